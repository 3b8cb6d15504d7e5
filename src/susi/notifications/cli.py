"""`susi notifications`: the notifications that come from the calendar rather than from someone's action."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True)
console = Console()


@app.command("overdue")
def overdue() -> None:
    """Tell the lead of each initiative that has run past its phase's typical duration (once per phase).

    Run it daily (cron or a systemd timer); a second run the same day tells no one again."""
    from susi.bootstrap import setup_django

    setup_django()
    from susi.portfolio.services import notify_overdue_phases

    count = notify_overdue_phases()
    console.print(f"{count} initiativer er over fasens typiske varighed og har fået besked.")
