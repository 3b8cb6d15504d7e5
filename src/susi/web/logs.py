"""Structured logs: one JSON object per line, with the request id and the job id, never personal data.

``RequestLogMiddleware`` gives every request an id (the ``X-Request-ID`` header passed in by a proxy, or a new
one), returns it in the response's ``X-Request-ID`` and logs one line per request with its method, path (without
the query string), status and duration. ``job_context`` does the same for a background job's id. The formatter
adds both ids to every line logged meanwhile and, as a last guard, masks anything shaped like a CPR number.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("susi_request_id", default="")
job_id: contextvars.ContextVar[str] = contextvars.ContextVar("susi_job_id", default="")

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Ten digits with an optional dash after six, not inside a longer number or word (a hex id): a CPR number's shape.
_CPR_SHAPE = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}-?[0-9]{4}(?![0-9A-Za-z])")
# Standard LogRecord attributes; everything else on a record is an ``extra`` field and goes into the line.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "job_id"}

logger = logging.getLogger("susi.request")


def mask_cpr(text: str) -> str:
    return _CPR_SHAPE.sub("[cpr]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id.get()
        jid = getattr(record, "job_id", "") or job_id.get()
        if rid:
            line["request_id"] = rid
        if jid:
            line["job_id"] = jid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            # The exception's type only: its text and traceback can quote input.
            line["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
        return mask_cpr(json.dumps(line, ensure_ascii=False, default=str))


JsonFormatter.converter = time.gmtime  # type: ignore[assignment]


@contextlib.contextmanager
def job_context(value: str) -> Iterator[None]:
    token = job_id.set(value)
    try:
        yield
    finally:
        job_id.reset(token)


class RequestLogMiddleware:
    """Request id in and out, one log line per request with its duration (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        start = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response.headers["X-Request-ID"] = rid
            return response
        finally:
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            logger.info(
                "%s %s %s %.1f ms",
                request.method,
                mask_cpr(request.path),
                status,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": mask_cpr(request.path),
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
            request_id.reset(token)
