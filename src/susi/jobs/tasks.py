"""The one task the queue knows: run a Job by its id (the Job row says what to do)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: str) -> None:
    from .services import run

    run(job_id)
