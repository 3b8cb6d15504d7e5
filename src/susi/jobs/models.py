"""One row per piece of background work: what, who asked, where it stands, how it ended."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("I gang")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Plain, non-personal arguments (ids, a file name); a file that holds no personal data (the SØM knowledge
    # import) travels in ``payload``. A citizen file is put here only sealed (outcomes.jobs.seal_upload), and
    # removed when the job has run.
    args = models.JSONField(default=dict, blank=True)
    payload = models.BinaryField(null=True, blank=True)
    return_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the worker running it")
    attempts = models.PositiveSmallIntegerField(default=0)
    retryable = models.BooleanField(default=False)
    # The outcome for the user: a sentence (Danish and English) and small numbers; never personal data.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
