"""Steps of the kill -9 test, each run in its own process against one SQLite file (see test_worker_kill.py).

`python -m tests.jobs.kill_scenario setup-outcomes|setup-knowledge|state JOB|retry JOB` prints JSON.
``hold`` is the progress hook the doomed worker runs: at the first progress report in the middle of the job's
transaction it leaves a marker file and waits to be killed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import time
from pathlib import Path


def hold(job_id, done: int, total: int) -> None:
    marker = os.environ.get("SUSI_TEST_HOLD_MARKER")
    if marker and 0 < done < total:
        Path(marker).write_text(f"{done}/{total}")
        while True:
            time.sleep(60)


def _setup_outcomes() -> dict:
    from susi.accounts.models import Role, User
    from susi.jobs import services as jobs
    from susi.organisations.models import Organisation
    from susi.outcomes.services import stage_file
    from susi.portfolio.models import Initiative, Intervention
    from tests.outcomes.helpers import csv_bytes, rows_for

    aarhus = Organisation.objects.create(kind=Organisation.Kind.MUNICIPALITY, name="Aarhus", code="751")
    vive = Organisation.objects.create(kind=Organisation.Kind.EVALUATOR, name="VIVE")
    initiative = Initiative.objects.create(
        intervention=Intervention.objects.create(name="Mestringsforløb", area="adults"),
        title="Afprøvning",
        phase="testing",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2024, 1, 1),
        phase_started_on=dt.date(2024, 1, 1),
        evaluator=vive,
    )
    initiative.municipalities.set([aarhus])
    user = User.objects.create_user("vive", password="x-secret-123", role=Role.EVALUATOR, organisation=vive)
    # 6,000 rows: more than one chunk of the commit, so progress is reported inside its transaction.
    batch = stage_file(
        user=user,
        initiative=initiative,
        municipality=aarhus,
        fh=io.BytesIO(csv_bytes(rows_for(3000))),
        name="trivsel.csv",
    )
    job = jobs.enqueue("outcomes.commit", user=user, args={"batch": batch.pk})
    return {"job": str(job.pk), "batch": batch.pk, "rows": batch.rows_total}


def _setup_knowledge() -> dict:
    from susi.accounts.models import Role, User
    from susi.jobs import services as jobs

    user = User.objects.create_user("styrelsen", password="x-secret-123", role=Role.ADMIN)
    lines = ["service,name,unit,municipality,region,state,area,committee,price_year"]
    lines += [f"svc_{i},Ydelse {i},stk,{100 + i},0,0,housing,social,2025" for i in range(1200)]
    job = jobs.enqueue(
        "som.knowledge_import",
        user=user,
        args={"filename": "priser.csv", "table": "prices"},
        payload="\n".join(lines).encode(),
    )
    return {"job": str(job.pk), "rows": 1200}


def _state(job_id: str) -> dict:
    from susi.jobs.models import Job
    from susi.outcomes.models import Citizen, ImportBatch, Measurement
    from susi.som.models import KnowledgeVersion, Price

    job = Job.objects.get(pk=job_id)
    batch = ImportBatch.objects.filter(pk=job.args.get("batch")).first()
    return {
        "status": job.status,
        "retryable": job.retryable,
        "attempts": job.attempts,
        "measurements": Measurement.objects.count(),
        "citizens": Citizen.objects.count(),
        "batch_status": batch.status if batch else None,
        "prices": Price.objects.count(),
        "versions": KnowledgeVersion.objects.count(),
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from susi.jobs import services as jobs
    from susi.jobs.models import Job

    command = argv[0]
    if command == "setup-outcomes":
        out = _setup_outcomes()
    elif command == "setup-knowledge":
        out = _setup_knowledge()
    elif command == "state":
        out = _state(argv[1])
    elif command == "retry":
        jobs.retry(Job.objects.get(pk=argv[1]))
        out = {"ok": True}
    else:
        raise SystemExit(f"unknown step {command}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
