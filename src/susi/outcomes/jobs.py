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
