"""Django set up for the command line. Imports no app, so the `susi` command (susi/cli.py) and every app's
sub-commands (e.g. outcomes/cli.py) can use it without importing each other."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Set Django up once; DJANGO_SETTINGS_MODULE defaults to the development settings (SQLite in var/)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "susi.config.settings.dev")
    import django

    django.setup()
