"""The outcomes work that runs as a background job (see susi.jobs). Staged rows hold pseudonyms only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from susi.jobs.services import JobRefused

from . import services
from .models import ImportBatch


def stage_context(initiative_id: int, municipality_id: int | None) -> str:
    """What a sealed citizen file is for: it opens only as the check of this initiative and municipality."""
    return f"outcomes.stage:{initiative_id}:{municipality_id or '-'}"


def seal_upload(data: bytes, initiative, municipality) -> bytes:
    """The uploaded citizen file sealed for the job queue (CPR numbers are in it until the check has run)."""
    from susi.engines.evaluation.sealing import seal

    from .pseudonyms import get_keys

    return seal(data, get_keys()[0], stage_context(initiative.pk, getattr(municipality, "pk", None)))


def stage_import(job, progress) -> dict[str, Any]:
    """Check and pseudonymise an uploaded file into a previewed batch (the file is opened in memory only)."""
    import io

    from django.urls import reverse

    from susi.engines.evaluation.errors import EvaluationError
    from susi.engines.evaluation.sealing import unseal
    from susi.organisations.models import Organisation
    from susi.portfolio.models import Initiative
    from susi.web.i18n import localized

    from .pseudonyms import PseudonymKeyError, get_keys

    initiative = Initiative.objects.filter(pk=job.args.get("initiative")).first()
    if initiative is None or job.payload is None:
        raise JobRefused(_("Filen eller initiativet findes ikke længere. Indlæs filen igen."))
    municipality = Organisation.objects.filter(pk=job.args.get("municipality")).first()
    try:
        context = stage_context(initiative.pk, getattr(municipality, "pk", None))
        data = unseal(bytes(job.payload), get_keys()[0], context)
    except EvaluationError as exc:
        raise JobRefused(localized(exc.message)) from None
    except PseudonymKeyError as exc:
        raise JobRefused(str(exc)) from None
    try:
        batch = services.stage_file(
            user=job.created_by,
            initiative=initiative,
            municipality=municipality,
            fh=io.BytesIO(data),
            name=str(job.args.get("file_name", "")),
        )
    except services.ImportRefused as exc:
        raise JobRefused(exc.message) from None
    return {
        "message": _("Filen er kontrolleret: %(rows)s rækker, %(errors)s fejl.")
        % {"rows": batch.rows_total, "errors": batch.error_count},
        "batch": batch.pk,
        "next_url": reverse("outcomes:batch", args=[batch.pk]),
    }


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
