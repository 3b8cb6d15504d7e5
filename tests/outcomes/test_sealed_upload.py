"""The outcome file's check runs as a background job. Until the worker has pseudonymised it, the uploaded file
waits in the job's payload sealed (AES-GCM, a key derived from the pseudonym key): no CPR number is ever in the
database in clear, the payload is gone once the check is done, and a sealed file opens only for its own job."""

from __future__ import annotations

import pytest
from django.urls import reverse

from susi.engines.evaluation.errors import EvaluationError
from susi.engines.evaluation.sealing import seal, unseal
from susi.jobs.models import Job
from susi.outcomes.models import ImportBatch

from .helpers import csv_bytes, rows_for, synthetic_cpr


def _upload(client, world, data: bytes):
    client.force_login(world.evaluator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("outcomes:upload", args=[world.initiative.pk]),
        {"file": SimpleUploadedFile("trivsel.csv", data, "text/csv"), "municipality": world.aarhus.code},
    )


def test_the_check_runs_as_a_job_and_the_waiting_file_holds_no_cpr_in_clear(client, world, monkeypatch):
    queued = []
    monkeypatch.setattr("susi.jobs.services._submit", queued.append)  # a worker that has not started yet
    data = csv_bytes(rows_for(12))
    response = _upload(client, world, data)
    job = Job.objects.get(kind="outcomes.stage")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    waiting = bytes(job.payload)
    for i in range(12):
        cpr = synthetic_cpr(i)
        for form in (cpr, cpr.replace("-", ""), cpr.encode().hex()):
            assert form.encode() not in waiting
    assert b"trivsel" not in waiting and len(waiting) > len(data)  # sealed, not merely masked
    assert ImportBatch.objects.count() == 0

    from susi.jobs.services import run

    run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.payload is None  # the file is gone once checked
    batch = ImportBatch.objects.get(pk=job.result["batch"])
    assert (batch.rows_total, batch.error_count) == (24, 0)
    assert job.result["next_url"] == reverse("outcomes:batch", args=[batch.pk])
    # The page that follows the job's progress goes on to the preview by itself.
    polled = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert polled["HX-Redirect"] == job.result["next_url"]


def test_with_a_worker_at_hand_the_upload_goes_straight_to_the_preview(client, world):
    response = _upload(client, world, csv_bytes(rows_for(6)))
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("outcomes:batch", args=[batch.pk])
    assert Job.objects.get(kind="outcomes.stage").payload is None


def test_a_sealed_file_opens_only_with_its_key_and_for_its_own_job():
    key, other = b"k" * 32, b"o" * 32
    sealed = seal(b"0101311234;indsats", key, "outcomes.stage:1:2")
    assert unseal(sealed, key, "outcomes.stage:1:2") == b"0101311234;indsats"
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    for blob, k, context in (
        (sealed, other, "outcomes.stage:1:2"),  # another key (rotated, or another installation)
        (sealed, key, "outcomes.stage:1:3"),  # replayed as another municipality's check
        (tampered, key, "outcomes.stage:1:2"),  # one bit changed in the database
        (b"not sealed", key, "outcomes.stage:1:2"),
    ):
        with pytest.raises(EvaluationError) as refused:
            unseal(blob, k, context)
        assert "Indlæs filen igen" in refused.value.message.da
