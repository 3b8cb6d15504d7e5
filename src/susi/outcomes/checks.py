"""Start-up checks (Django's system checks, run by runserver, migrate and ``check``): outcome staging files
past their lifetime or left by a stopped process."""

from __future__ import annotations

from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError


def staging_expired(app_configs=None, **kwargs) -> list[CheckWarning]:
    from . import services

    try:
        expired, orphans = services.expired_staging()
    except (DatabaseError, OSError):  # no tables yet (before migrate), or no staging directory
        return []
    if not (expired or orphans):
        return []
    return [
        CheckWarning(
            f"{len(expired)} outcome previews have expired and {len(orphans)} staging files belong to no "
            "preview (left by a stopped process); they hold pseudonymised citizen data.",
            hint="Run `susi outcomes purge-staging` (schedule it daily).",
            id="susi.outcomes.W001",
        )
    ]
