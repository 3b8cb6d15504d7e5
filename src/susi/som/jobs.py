"""The SØM work that runs as a background job (see susi.jobs)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from susi.jobs.services import JobRefused
from susi.web.api_errors import DomainError

from . import knowledge_io


def knowledge_import(job, progress) -> dict[str, Any]:
    """Import an uploaded knowledge file in one transaction; the job's payload is the file (no personal data)."""
    try:
        written, version = knowledge_io.import_knowledge(
            job.created_by,
            bytes(job.payload or b""),
            job.args.get("filename", ""),
            job.args.get("table", ""),
            progress=progress,
        )
    except DomainError as exc:
        raise JobRefused(
            _("Importen blev afvist, og intet er ændret: %(msg)s") % {"msg": exc.message}
        ) from None
    return {
        "message": _("%(n)d rækker importeret. Vidensdatabasen er nu version %(v)d.")
        % {"n": written, "v": version},
        "written": written,
        "version": version,
    }
