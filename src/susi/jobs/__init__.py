"""Background jobs: long work (imports) runs in a worker, with progress the page and the CLI can show.

The queue is django-tasks with its database backend (django-tasks-db): jobs wait in the app's own database,
so `make run` needs no extra service and several machines can run workers against one PostgreSQL. A ``Job``
row is this app's own record of one piece of work (who asked, what, progress, outcome, retry); the queue only
carries the job's id. See docs/developers/jobs.md.
"""

from __future__ import annotations


def health() -> dict:
    """The job queue's state for /healthz: never raises, names no person."""
    from .services import queue_health

    return queue_health()
