"""`/healthz`: what a load balancer or an operator needs to know, and nothing more.

JSON, no login, no personal data and never the key: whether the database answers, the background-job queue
(its backend and how many jobs wait, run or may be retried: `susi.jobs.health`), and whether a pseudonym key is
configured (present or not; its value, path and fingerprint are not shown).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from susi.engines.evaluation.cpr import KEY_ENV_VAR, load_key

# What runs background jobs. No queue exists yet: work runs inside the web request ("embedded"). The job
# queue, when it comes, replaces this function with a real probe of its backend.


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure to reach the database means "not ok"; the reason goes to the log
        return False


def job_queue_status() -> dict:
    """The background-job queue (susi.jobs): its backend, whether it answers, and how many jobs wait or run."""
    from susi.jobs import health

    return health()


def pseudonym_key_present() -> bool:
    """True when a usable key is configured; never creates a key file (the outcome import does that in dev)."""
    if os.environ.get(KEY_ENV_VAR, "").strip():
        try:
            load_key(None)
        except Exception:
            return False
        return True
    path = getattr(settings, "SUSI_PSEUDONYM_KEY_FILE", None)
    if not path or not Path(path).is_file():
        return False
    try:
        load_key(path)
    except Exception:
        return False
    return True


@never_cache
@require_GET
def healthz(request):
    database = database_ok()
    body = {
        "status": "ok" if database else "error",
        "database": "ok" if database else "error",
        "job_queue": job_queue_status(),
        "pseudonym_key_present": pseudonym_key_present(),
    }
    return JsonResponse(body, status=200 if database else 503)
