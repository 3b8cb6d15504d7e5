"""The outcome import's commit runs as a background job: its page shows progress and the outcome."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from susi.jobs import services as jobs
from susi.jobs.models import Job
from susi.outcomes.models import ImportBatch, Measurement
from susi.outcomes.services import stage_file

from .helpers import csv_bytes, rows_for


def _client_for(client, user):
    client.force_login(user)
    return client


def _staged(world, n=20):
    return stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=world.aarhus,
        fh=io.BytesIO(csv_bytes(rows_for(n))),
        name="trivsel.csv",
    )


def test_commit_from_the_page_runs_as_a_job_and_its_page_shows_the_outcome(client, world):
    batch = _staged(world)
    c = _client_for(client, world.evaluator)
    response = c.post(f"/udfald/import/{batch.pk}/importer/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/job/{job.pk}/"
    assert job.kind == "outcomes.commit" and job.status == Job.Status.DONE and job.attempts == 1
    assert Measurement.objects.count() == 40
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.IMPORTED
    assert jobs.progress_of(job) == (40, 40)
    page = c.get(f"/job/{job.pk}/").content.decode()
    assert "Importen er gennemført: 40 nye" in page
    # A finished job's panel stops polling and links back to where the import started.
    assert "hx-trigger" not in page and "Tilbage" in page


def test_only_the_person_who_started_a_job_sees_it(client, world):
    batch = _staged(world)
    _client_for(client, world.evaluator).post(f"/udfald/import/{batch.pk}/importer/")
    job = Job.objects.get()
    client.force_login(world.aarhus_user)  # may import for Aarhus too, but did not start this job
    for url in (f"/job/{job.pk}/", f"/job/{job.pk}/fremdrift/"):
        assert client.get(url).status_code in {403, 404}
    assert client.post(f"/job/{job.pk}/igen/").status_code in {403, 404}


def test_a_batch_not_in_preview_is_refused_before_any_job(client, world):
    batch = _staged(world)
    batch.status = ImportBatch.Status.INVALID
    batch.save()
    response = _client_for(client, world.evaluator).post(f"/udfald/import/{batch.pk}/importer/", follow=True)
    assert "ikke godkendt i gennemsynet" in response.content.decode()
    assert not Job.objects.exists()


def boom(job, progress):
    progress(1, 2)
    raise RuntimeError("0101311234 must never reach the log")


def test_a_failing_job_is_failed_retryable_and_logs_no_input(world, monkeypatch, caplog):
    monkeypatch.setitem(jobs.KINDS, "test.boom", "tests.outcomes.test_import_jobs.boom")
    job = jobs.enqueue("test.boom", user=world.evaluator)
    job.refresh_from_db()
    assert (job.status, job.retryable, job.result["ok"]) == (Job.Status.FAILED, True, False)
    assert "0101311234" not in caplog.text and "RuntimeError" in caplog.text
    # Retried, it runs again (and fails again the same way here).
    jobs.retry(job)
    job.refresh_from_db()
    assert job.attempts == 2 and job.status == Job.Status.FAILED
    # A job that is not failed-and-retryable cannot be queued again.
    Job.objects.filter(pk=job.pk).update(retryable=False)
    with pytest.raises(jobs.JobRefused):
        jobs.retry(job)


def test_a_running_job_of_a_dead_worker_on_this_machine_becomes_retryable(world):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    host = jobs.worker_identity().rsplit(":", 1)[0]
    orphan = Job.objects.create(
        kind="outcomes.commit", status=Job.Status.RUNNING, worker=f"{host}:{dead_pid}"
    )
    alive = Job.objects.create(kind="outcomes.commit", status=Job.Status.RUNNING, worker=f"{host}:1")
    elsewhere = Job.objects.create(kind="outcomes.commit", status=Job.Status.RUNNING, worker="other-host:5")
    assert jobs.recover_abandoned() == [str(orphan.pk)]
    orphan.refresh_from_db()
    assert orphan.status == Job.Status.FAILED and orphan.retryable and orphan.result["interrupted"]
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING
    assert Job.objects.get(pk=elsewhere.pk).status == Job.Status.RUNNING


def test_queue_health_counts_waiting_and_running_jobs(world):
    from susi.jobs import health

    Job.objects.create(kind="outcomes.commit", status=Job.Status.QUEUED)
    Job.objects.create(kind="outcomes.commit", status=Job.Status.RUNNING, worker="h:1")
    state = health()
    assert state["ok"] is True and state["queued"] == 1 and state["running"] == 1
    assert state["backend"] == "ImmediateBackend"


def test_a_job_started_in_english_reports_in_english(client, world, settings):
    batch = _staged(world)
    c = _client_for(client, world.evaluator)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    c.post(f"/udfald/import/{batch.pk}/importer/")
    job = Job.objects.get()
    page = c.get(f"/job/{job.pk}/").content.decode()
    assert "Background job" in page and "Done" in page and "The import is complete: 40 new" in page


def test_register_followup_runs_as_a_job_from_the_command_line(world, tmp_path):
    import pandas as pd
    from typer.testing import CliRunner

    from susi.cli import app
    from susi.engines.evaluation import synthetic
    from susi.outcomes import register
    from susi.outcomes.models import RegisterOutcome

    batch = _staged(world, n=60)
    from susi.outcomes.services import commit_batch

    commit_batch(user=world.evaluator, batch=batch)
    enrolled = register.enrolled_frame(world.initiative)
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(150)], "index_year": 2024})
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    history = synthetic.generate_register(people, first_year=2024, last_year=2034, seed=4)
    history.to_csv(tmp_path / "register.csv", index=False)
    comparison.to_csv(tmp_path / "comparison.csv", index=False)

    runner = CliRunner()
    args = ["jobs", "start", "outcomes.register_followup", "--user", "vive"]
    args += [
        "--arg",
        f"initiative={world.initiative.pk}",
        "--arg",
        f"register_file={tmp_path / 'register.csv'}",
    ]
    args += ["--arg", f"comparison_file={tmp_path / 'comparison.csv'}", "--arg", "years=10"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Færdig" in result.output and "år × udfald gemt" in result.output
    assert RegisterOutcome.objects.filter(initiative=world.initiative).count() == 60

    # A user without the right: the job fails, says so, and is not retryable; nothing changes.
    result = runner.invoke(app, [*args[:4], "aarhus_nope", *args[5:]])
    assert result.exit_code == 2 and "Ukendt bruger" in result.output
    result = runner.invoke(app, [*args[:4], "ramboll", *args[5:]])
    assert result.exit_code == 1 and "ikke lov" in result.output
    failed = Job.objects.filter(status=Job.Status.FAILED).get()
    assert failed.retryable is False
    assert RegisterOutcome.objects.filter(initiative=world.initiative).count() == 60


def test_a_waiting_or_running_job_polls_its_progress_panel(client, world):
    job = Job.objects.create(kind="outcomes.commit", created_by=world.evaluator, args={"batch": 0})
    jobs.set_progress(job.pk, 0, 0)
    c = _client_for(client, world.evaluator)
    page = c.get(f"/job/{job.pk}/").content.decode()
    assert f'hx-get="/job/{job.pk}/fremdrift/"' in page and 'hx-trigger="every 1s"' in page
    assert "I kø" in page and "<script" not in page.split("<main", 1)[-1]
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    jobs.set_progress(job.pk, 2500, 10000)
    panel = c.get(f"/job/{job.pk}/fremdrift/").content.decode()
    assert "2.500 af 10.000 rækker" in panel and 'value="25"' in panel and "hx-trigger" in panel


def test_a_finished_knowledge_import_drops_its_file(world):
    from susi.som import demo

    demo._load_knowledge(lambda line: None)
    text = "service,name,unit,municipality,region,state,area,committee,price_year\nnew_x,Ny,stk,1,0,0,housing,social,2025\n"
    job = jobs.enqueue(
        "som.knowledge_import",
        user=world.agency_user,
        args={"filename": "priser.csv", "table": "prices"},
        payload=text.encode(),
    )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.payload is None and job.result["version"] == 2
