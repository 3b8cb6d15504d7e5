"""Serving private uploaded files (product files) after the view has checked the permission.

Nothing under MEDIA_ROOT is reachable by URL: every file goes through a view that calls the permission rule
first, then through `private_file_response`. How the bytes are sent is one setting, `SUSI_PRIVATE_FILE_SERVING`:

- ``"django"`` (the default): Django streams the file itself (development, tests, small installations);
- ``"x-accel-redirect"``: nginx sends it; the response carries ``X-Accel-Redirect: <SUSI_X_ACCEL_PREFIX><name>``
  and nginx maps that prefix, as an ``internal`` location, onto MEDIA_ROOT;
- ``"x-sendfile"``: Apache (mod_xsendfile) or lighttpd sends it; the response carries the absolute path.

Files are always sent as attachments (never rendered inline in the platform's origin) with their own name.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

SERVING_MODES = ("django", "x-accel-redirect", "x-sendfile")


@checks.register(checks.Tags.security, deploy=False)
def check_serving_mode(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A misspelt SUSI_PRIVATE_FILE_SERVING is reported at start-up, not as a failing download."""
    mode = getattr(settings, "SUSI_PRIVATE_FILE_SERVING", "django")
    if mode in SERVING_MODES:
        return []
    return [
        checks.Error(
            f"SUSI_PRIVATE_FILE_SERVING is {mode!r}; it must be one of {', '.join(SERVING_MODES)}.",
            id="susi.E001",
        )
    ]


def private_file_response(field_file: FieldFile) -> HttpResponse | FileResponse:
    """The response that delivers `field_file` (permission already checked by the caller)."""
    mode = getattr(settings, "SUSI_PRIVATE_FILE_SERVING", "django")
    if mode not in SERVING_MODES:
        raise ImproperlyConfigured(f"SUSI_PRIVATE_FILE_SERVING must be one of {', '.join(SERVING_MODES)}.")
    name = field_file.name if field_file else None
    if not name or not field_file.storage.exists(name):
        raise Http404
    filename = PurePosixPath(name).name
    if mode == "django":
        return FileResponse(field_file.open("rb"), as_attachment=True, filename=filename)
    content_type, _encoding = mimetypes.guess_type(filename)
    response = HttpResponse(content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    if mode == "x-accel-redirect":
        prefix = getattr(settings, "SUSI_X_ACCEL_PREFIX", "/protected-media/").rstrip("/") + "/"
        response["X-Accel-Redirect"] = quote(prefix + name)
    else:
        response["X-Sendfile"] = field_file.path
    return response
