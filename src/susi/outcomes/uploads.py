"""Uploads of citizen data never touch the disk in clear.

Django writes an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file and deletes it
when the request ends; a ``kill -9`` in between leaves every CPR number of the file on disk. Outcome and
delivery files are therefore received by ``CitizenDataUploadHandler``, which keeps the whole upload in
memory whatever its size (the upload size limit bounds it); the importer then pseudonymises row by row,
and only pseudonymised rows reach the staging directory.

``citizen_upload`` wraps a view so the handler is installed before anything reads the body. Django only
allows that in a CSRF-exempt view, so the wrapper exempts the outer view and re-applies CSRF protection
around the inner one (the pattern in Django's "Modifying upload handlers on the fly").
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

#: Memory held by one citizen-data upload at most; a larger file is refused (the request's ``upload_too_large``).
DEFAULT_MAX_BYTES = 100 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "SUSI_CITIZEN_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


class CitizenDataUploadHandler(FileUploadHandler):
    """Keeps every uploaded file in memory, never in a temporary file (up to ``max_bytes``)."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > max_bytes():
            self.buffer = io.BytesIO()  # let go of what was received
            self.request.upload_too_large = True  # type: ignore[union-attr]  # read by the view
            raise StopUpload(connection_reset=False)  # the rest of the body is read and dropped
        self.buffer.write(raw_data)
        return None  # consumed here: no later handler (and so no temporary file) sees the data

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def too_large_message() -> str:
    return _("Filen er for stor (højst %(mb)s MB).") % {"mb": max_bytes() // (1024 * 1024)}


def citizen_upload(view: Callable) -> Callable:
    """Receive the request's files with ``CitizenDataUploadHandler`` only (CSRF still checked)."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_handlers = [CitizenDataUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)
