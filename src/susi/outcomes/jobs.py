"""The outcomes work that runs as a background job (see susi.jobs). Staged rows hold pseudonyms only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from susi.jobs.services import JobRefused

from . import services
from .models import ImportBatch


def commit_import(job, progress) -> dict[str, Any]:
    """Write a previewed batch (one transaction: a killed worker leaves it in preview, ready to retry)."""
    batch = ImportBatch.objects.select_related("initiative", "municipality").get(pk=job.args["batch"])
    try:
        batch = services.commit_batch(user=job.created_by, batch=batch, progress=progress)
    except services.ImportRefused as exc:
        raise JobRefused(exc.message) from None
    return {
        "message": _(
            "Importen er gennemført: %(new)s nye og %(changed)s ændrede målinger, %(unchanged)s uændrede."
        )
        % {"new": batch.rows_new, "changed": batch.rows_changed, "unchanged": batch.rows_unchanged},
        "batch": batch.pk,
    }


def register_followup(job, progress) -> dict[str, Any]:
    """Register follow-up from pseudonymised files on the server (``register_file``, ``comparison_file``);
    the aggregates replace the initiative's old ones in one transaction."""
    from pathlib import Path

    from susi.portfolio.models import Initiative

    from .register import followup_from_files

    initiative = Initiative.objects.filter(pk=job.args.get("initiative")).first()
    if initiative is None:
        raise JobRefused(_("Initiativet findes ikke."))
    files = {key: Path(str(job.args.get(key, ""))) for key in ("register_file", "comparison_file")}
    for path in files.values():
        if not path.is_file():
            raise JobRefused(_("Filen %(name)s findes ikke på serveren.") % {"name": path.name})
    progress(0, 1)
    stored = followup_from_files(
        user=job.created_by, initiative=initiative, years=int(job.args.get("years", 10)), **files
    )
    progress(1, 1)
    return {"message": _("%(n)s år × udfald gemt.") % {"n": stored}, "stored": stored}
