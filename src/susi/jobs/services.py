"""Enqueue, run, retry and recover jobs; the job queue's health.

A job's handler does its writes in one transaction and reports progress outside it (in the "jobs" cache, so a
page can poll it while the transaction is still open). A worker killed in the middle loses its transaction to
the database's rollback: nothing is half-written. The next worker to start on the same machine marks that job
failed and retryable (``recover_abandoned``); ``retry`` queues it again.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from susi.web import logs

from .models import Job

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

# Every kind of job and the function that does it: ``handler(job, progress) -> {"message": str, ...}``.
KINDS: dict[str, str] = {
    "som.knowledge_import": "susi.som.jobs.knowledge_import",
    "outcomes.stage": "susi.outcomes.jobs.stage_import",
    "outcomes.commit": "susi.outcomes.jobs.commit_import",
    "outcomes.register_followup": "susi.outcomes.jobs.register_followup",
    "jobs.noop": "susi.jobs.services.noop",
}


class JobRefused(Exception):
    """The work cannot be done as asked (bad input); ``message`` is a sentence for the user. Not retryable."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def noop(job, progress: Progress) -> dict[str, Any]:
    """A job that does nothing: a smoke test of the queue and its workers (benchmarks/job_latency.py)."""
    progress(1, 1)
    return {"message": "ok"}


def worker_identity() -> str:
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def enqueue(
    kind: str, *, user, args: dict[str, Any] | None = None, payload: bytes | None = None, return_url: str = ""
) -> Job:
    """Record a job and hand it to the queue once the caller's transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        created_by=user if getattr(user, "pk", None) else None,
        # The language of the page that asked (the outcome is written in it) and the request's id (for the logs).
        args={
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "request_id": logs.request_id.get(),
            **(args or {}),
        },
        payload=payload,
        return_url=return_url[:300],
    )
    _submit(job)
    logger.info("Job %s queued (%s)", job.pk, kind)
    return job


def _submit(job: Job) -> None:
    from django_tasks.backends.immediate import ImmediateBackend

    from .tasks import run_job

    job_id = str(job.pk)
    if isinstance(run_job.get_backend(), ImmediateBackend):
        run_job.enqueue(job_id)  # tests: run now, inside the caller's (test) transaction
    else:
        transaction.on_commit(lambda: run_job.enqueue(job_id))


def retry(job: Job) -> Job:
    """Queue a failed, retryable job again (its earlier attempt wrote nothing)."""
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED, retryable=True).update(
        status=Job.Status.QUEUED, retryable=False, result={}, started_at=None, finished_at=None, worker=""
    )
    if not updated:
        raise JobRefused(_("Jobbet kan ikke startes igen."))
    job.refresh_from_db()
    _submit(job)
    logger.info("Job %s queued again", job.pk)
    return job


# --- progress ------------------------------------------------------------------------------------------


def _progress_key(job_id) -> str:
    return f"susi-job-progress:{job_id}"


def set_progress(job_id, done: int, total: int) -> None:
    caches["jobs"].set(_progress_key(job_id), (int(done), int(total)), timeout=7 * 24 * 3600)
    hook = getattr(settings, "SUSI_JOBS_PROGRESS_HOOK", None)
    if hook:
        import_string(hook)(job_id, done, total)


def progress_of(job: Job) -> tuple[int, int]:
    """(done, total) as last reported; (0, 0) before the first report."""
    value = caches["jobs"].get(_progress_key(job.pk))
    return tuple(value) if value else (0, 0)  # type: ignore[return-value]


# --- running ------------------------------------------------------------------------------------------


def run(job_id: str) -> None:
    """Run one queued job (called by the queue). A job that is not queued any more is left alone."""
    with logs.job_context(str(job_id)):
        _run(job_id)


def _run(job_id: str) -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, status=Job.Status.QUEUED).first()
        if job is None:
            return
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.worker = worker_identity()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "worker", "attempts"])
    # The worker's lines carry the id of the request that queued the job, so one id follows the whole import.
    token = logs.request_id.set(logs.request_id.get() or str(job.args.get("request_id") or ""))
    try:
        _work(job)
    finally:
        logs.request_id.reset(token)


def _work(job: Job) -> None:
    logger.info(
        "Job %s started (%s, attempt %s)", job.pk, job.kind, job.attempts, extra={"job_kind": job.kind}
    )
    set_progress(job.pk, 0, 0)
    handler = import_string(KINDS[job.kind])
    retryable = False
    with translation.override(job.args.get("language") or settings.LANGUAGE_CODE):
        try:
            result = {"ok": True, **handler(job, lambda done, total: set_progress(job.pk, done, total))}
            status = Job.Status.DONE
        except JobRefused as exc:
            result, status = {"ok": False, "message": exc.message}, Job.Status.FAILED
        except PermissionDenied:
            message = _("Du har ikke lov til dette arbejde; intet er ændret.")
            result, status = {"ok": False, "message": message}, Job.Status.FAILED
        except Exception as exc:
            # The exception's text may quote input: only its type goes to the log.
            logger.error("Job %s failed: %s", job.pk, type(exc).__name__)
            result = {"ok": False, "message": _("Jobbet fejlede, og intet er ændret. Prøv igen.")}
            status, retryable = Job.Status.FAILED, True
    finished = timezone.now()
    # The uploaded file is kept only while a retry may need it.
    payload = {} if retryable else {"payload": None}
    Job.objects.filter(pk=job.pk).update(
        status=status, result=result, retryable=retryable, finished_at=finished, **payload
    )
    seconds = (finished - (job.started_at or finished)).total_seconds()
    logger.info(
        "Job %s %s after %.2f s",
        job.pk,
        status,
        seconds,
        extra={"job_kind": job.kind, "job_status": status, "duration_ms": round(seconds * 1000)},
    )


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a restarted worker that got the dead one's pid (pid 1 in a container)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_abandoned() -> list[str]:
    """Mark the running jobs of dead workers on this machine failed and retryable; returns their ids.

    Called when a worker starts. Their transactions were rolled back by the database when the process died,
    so the work they did is gone and a retry starts clean."""
    host = socket.gethostname()[:50]
    recovered = []
    for job in Job.objects.filter(status=Job.Status.RUNNING, worker__startswith=f"{host}:"):
        try:
            pid = int(job.worker.rsplit(":", 1)[1])
        except ValueError:
            continue
        if _pid_alive(pid):
            continue
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED,
            retryable=True,
            finished_at=timezone.now(),
            result={"ok": False, "message": "", "interrupted": True},
        )
        if updated:
            recovered.append(str(job.pk))
            logger.warning(
                "Job %s was interrupted (worker %s died); retryable",
                job.pk,
                job.worker,
                extra={"job_id": str(job.pk)},
            )
    _fail_dead_task_results(host)
    return recovered


def _fail_dead_task_results(host: str) -> None:
    """The queue's own record of a task whose worker died stays "running"; close it as failed."""
    try:
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        last = (result.worker_ids or [""])[-1]
        pid = last.rsplit(":", 1)[-1]
        if last.startswith(f"{host}:") and pid.isdigit() and not _pid_alive(int(pid)):
            DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="susi.jobs.WorkerDied",
                traceback="",
            )


def queue_health() -> dict[str, Any]:
    """For /healthz: counts by state and the age of the oldest waiting job. Never raises."""
    try:
        counts = {s: Job.objects.filter(status=s).count() for s in (Job.Status.QUEUED, Job.Status.RUNNING)}
        oldest = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at").first()
        backend = settings.TASKS["default"]["BACKEND"]
        return {
            "ok": True,
            "backend": backend.rsplit(".", 1)[-1],
            "queued": counts[Job.Status.QUEUED],
            "running": counts[Job.Status.RUNNING],
            "retryable": Job.objects.filter(status=Job.Status.FAILED, retryable=True).count(),
            "oldest_queued_seconds": round((timezone.now() - oldest.created_at).total_seconds())
            if oldest
            else 0,
        }
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
