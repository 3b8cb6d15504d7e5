"""Structured logs: a request id in and out, one JSON line per request with its duration, the job id on a job's
lines, and no CPR number (with or without the dash) anywhere in the log of a full import through the pages."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from susi.engines.evaluation import synthetic
from susi.jobs.models import Job
from susi.outcomes.models import Enrolment
from susi.web.logs import JsonFormatter, mask_cpr


class _Capture(logging.Handler):
    """Keeps every record, and the JSON line our formatter makes of it."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def log():
    capture = _Capture()
    loggers = [logging.getLogger(name) for name in ("", "susi", "django", "django_tasks", "django_tasks_db")]
    before = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(capture)
        lg.setLevel(logging.DEBUG)
    yield capture
    for lg, level in before:
        lg.removeHandler(capture)
        lg.setLevel(level)


def test_request_id_is_passed_through_or_made_and_each_request_is_logged_with_its_duration(
    client, world, log
):
    client.force_login(world.evaluator)
    response = client.get("/udfald/", HTTP_X_REQUEST_ID="proxy-42.a")
    assert response["X-Request-ID"] == "proxy-42.a"
    made = client.get("/udfald/", HTTP_X_REQUEST_ID="not a valid id; drop table")["X-Request-ID"]
    assert len(made) == 32 and made != "proxy-42.a"
    lines = [json.loads(line) for line in log.lines if '"logger": "susi.request"' in line]
    assert [(x["request_id"], x["path"], x["status"]) for x in lines] == [
        ("proxy-42.a", "/udfald/", 200),
        (made, "/udfald/", 200),
    ]
    assert all(x["duration_ms"] >= 0 and x["method"] == "GET" for x in lines)


def test_a_full_import_through_the_pages_logs_no_cpr_number(client, world, log, tmp_path):
    dataset = synthetic.generate(40, municipalities=("751",), seed=5)
    data = synthetic.write_csv(dataset, tmp_path / "maalinger.csv").read_bytes()
    cprs = set(dataset.citizens["cpr"])
    assert len(cprs) == 40
    client.force_login(world.evaluator)
    upload = client.post(
        f"/udfald/initiativ/{world.initiative.pk}/upload/",
        {"file": SimpleUploadedFile("maalinger.csv", data, content_type="text/csv")},
    )
    batch_url = upload["Location"]
    assert client.get(batch_url).status_code == 200
    commit = client.post(batch_url + "importer/", HTTP_X_REQUEST_ID="commit-1")
    job = Job.objects.get(kind="outcomes.commit")  # the check before it ran as a job too
    assert job.args["request_id"] == "commit-1"  # a worker's lines carry the id of the request that queued it
    assert commit["Location"] == f"/job/{job.pk}/" and job.status == Job.Status.DONE
    assert client.get(f"/job/{job.pk}/fremdrift/").status_code == 200
    assert Enrolment.objects.count() == 40
    # A file with errors (its report names rows and fields), and the same file again.
    broken = data.decode().replace(";indsats;", ";?;", 3).encode()
    client.post(
        f"/udfald/initiativ/{world.initiative.pk}/upload/",
        {"file": SimpleUploadedFile("fejl.csv", broken, content_type="text/csv")},
    )
    client.post(
        f"/udfald/initiativ/{world.initiative.pk}/upload/",
        {"file": SimpleUploadedFile("igen.csv", data, content_type="text/csv")},
    )

    output = "\n".join(log.lines)
    raw = "\n".join(f"{r.getMessage()} {vars(r)}" for r in log.records)
    for cpr in cprs:
        for form in (cpr, cpr.replace("-", "")):
            assert form not in output and form not in raw, "a CPR number reached the log"
    assert "[cpr]" not in output  # nothing even needed masking
    # Every line is JSON; the job's lines carry its id, the requests' lines their id and duration.
    parsed = [json.loads(line) for line in log.lines]
    job_lines = [x for x in parsed if x.get("job_id") == str(job.pk)]
    assert any("started" in x["message"] for x in job_lines)
    assert any(x.get("duration_ms") is not None and x.get("job_kind") == "outcomes.commit" for x in job_lines)
    assert any("Imported outcome batch" in x["message"] for x in job_lines)
    requests = [x for x in parsed if x["logger"] == "susi.request"]
    assert len(requests) >= 6 and all(x["request_id"] and "duration_ms" in x for x in requests)


def test_the_formatter_masks_a_cpr_shape_as_a_last_guard():
    assert mask_cpr("søgte 010131-4123 og 0101314123, ikke 12345678901") == (
        "søgte [cpr] og [cpr], ikke 12345678901"
    )
    assert mask_cpr("request af7d0101314123d2a3") == "request af7d0101314123d2a3"  # a hex id is no CPR
