from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from susi.engines.tabular import megabytes


class DanishFirstLocaleMiddleware:
    """Danish unless the user chose another language (the language cookie set by the menu).

    Django's LocaleMiddleware would follow the browser's Accept-Language; Danish public-sector users on an
    English-language browser should still meet the Danish UI first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the language must not outlive the request in this thread
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than ``SUSI_MAX_REQUEST_BYTES`` before anything reads it (413).

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, so without this a 200 MB body was
    received and spooled to disk before any view could say no. Each kind of upload has its own, smaller
    limit (``SUSI_UPLOAD_LIMITS``), checked where the file is read; this is the outer bound. Runs after the
    language middleware (the sentence is Danish or English) and before anything touches ``request.POST``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.SUSI_MAX_REQUEST_BYTES
        if length <= limit:
            return self.get_response(request)
        message = _("Filen er for stor. Den største tilladte størrelse er %(limit)s MB; intet er ændret.") % {
            "limit": megabytes(limit, "." if (translation.get_language() or "da")[:2] == "en" else ",")
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"field": "file", "message": message}]}, status=413)
        body = f"<!doctype html><title>413</title><h1>413</h1><p>{escape(message)}</p>"
        return HttpResponse(body, status=413)
