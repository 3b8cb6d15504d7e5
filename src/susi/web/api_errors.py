"""One error body for the whole API: ``{"detail": [{"field": ..., "message": ...}]}`` with a proper status.

Every error the API can give — bad input (422), not logged in (401), no access or a failed CSRF check (403),
nothing there (404), wrong method (405), a server fault (500) — comes back as JSON in that shape, with the
message in the request's language. Engine errors (`susi.engines.errors.EngineError`, which carry a
`Text(da, en)`) and service errors (`DomainError`) both become 422. `install_error_handlers` covers what
happens inside an API view; `ApiJsonErrorsMiddleware` covers what never reaches one (an unknown path, a
method the path does not take).
"""

from __future__ import annotations

import logging
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError

from susi.engines.errors import EngineError, problems_from_schema
from susi.engines.text import Text
from susi.web.i18n import error_messages, lazy_localized, localized

logger = logging.getLogger("susi.api")


class DomainError(ValueError):
    """Bad input found by a service: names the field and the problem, changes nothing.

    `message` is a translated string (``gettext``) or an engine `Text`; a `Text` is shown in the language of
    the request that displays it.
    """

    def __init__(self, field: str, message: str | Promise | Text):
        self.field = field
        # a lazy translation behaves as a str wherever a message is shown (messages framework, forms, JSON)
        self.message: str = cast(str, lazy_localized(message) if isinstance(message, Text) else message)
        super().__init__(f"{field}: {message}")

    @classmethod
    def from_engine(cls, error: EngineError) -> DomainError:
        return cls(error.field, error.message)


def error_body(items: list[tuple[str, str]]) -> dict:
    return {"detail": [{"field": f, "message": str(m)} for f, m in items]}


def status_message(status: int) -> str:
    """The generic message for an error status, in the active language."""
    messages = {
        400: _("Forespørgslen kunne ikke læses."),
        401: _("Du skal være logget ind."),
        403: _("Du har ikke adgang til dette."),
        404: _("Findes ikke."),
        405: _("Denne metode kan ikke bruges her."),
        413: _("Forespørgslen er for stor."),
        422: _("Ugyldige oplysninger."),
        429: _("For mange forsøg. Prøv igen senere."),
    }
    if status in messages:
        return messages[status]
    return (
        _("Der skete en fejl på serveren. Prøv igen senere.") if status >= 500 else _("Fejl i forespørgslen.")
    )


def _schema_message(error: dict) -> str:
    """A request-parameter error from the schema (pydantic), said in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Feltet mangler.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Skal være et helt tal.")
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return _("Skal være et tal.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Skal være sand eller falsk.")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return _("Skal være en dato (ÅÅÅÅ-MM-DD).")
    if kind == "greater_than_equal":
        return _("Skal være mindst %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "greater_than":
        return _("Skal være større end %(limit)s.") % {"limit": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("Må højst være %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "less_than":
        return _("Skal være mindre end %(limit)s.") % {"limit": ctx.get("lt")}
    if kind in ("string_type", "string_too_short", "string_too_long"):
        return _("Ugyldig tekst.")
    if kind in ("enum", "literal_error"):
        return _("Ugyldigt valg.")
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("Indholdet er ikke gyldig JSON.")
    return _("Ugyldig værdi.")


def _schema_field(error: dict) -> str:
    # ninja prefixes the location with where the value came from ("query", "body", "path"); keep the name
    loc = [str(p) for p in error.get("loc", ())]
    if loc and loc[0] in ("query", "body", "path", "header", "cookie", "form", "file"):
        loc = loc[1:]
    return ".".join(loc)


class Api(NinjaAPI):
    """The project's NinjaAPI. A declared schema whose validators raise engine errors (the SØM case) keeps
    each problem — its field path and `Text` — where ninja would flatten the error to an English string, so
    the API answers with the field and message the command line and the form give."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> NinjaValidationError:
        engine: list[tuple[str, dict]] = []
        errors: list[dict] = []
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            for error in context.pydantic_validation_error.errors(include_url=False):
                if isinstance((error.get("ctx") or {}).get("error"), EngineError):
                    # a body's location starts with the parameter's name ("case"): the path starts inside it
                    engine.append(
                        (source, {**error, "loc": error["loc"][1:] if source == "body" else error["loc"]})
                    )
                    continue
                # as ninja does it: the source first, pydantic's hints removed
                loc = (source, *model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"]))
                ctx = {
                    k: str(v) if isinstance(v, Exception) else v for k, v in (error.get("ctx") or {}).items()
                }
                errors.append({**{k: v for k, v in error.items() if k != "input"}, "loc": loc, "ctx": ctx})
        sources = {source for source, _error in engine}
        problems = problems_from_schema([error for _source, error in engine])
        found = [
            {
                "type": "engine",
                "loc": (*sorted(sources)[:1], p.field),
                "msg": p.message.en,
                "ctx": {"problem": p},
            }
            for p in problems
        ]
        # the address (path, query) before the body: a bad query parameter is named first
        rank = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        return NinjaValidationError(sorted(found + errors, key=lambda e: rank.get(e["loc"][0], 4)))


def schema_errors(errors: list[dict]) -> list[tuple[str, str]]:
    """(field, message in the request's language) for each error of a request's schema validation."""
    items: list[tuple[str, str]] = []
    for error in errors:
        problem = (error.get("ctx") or {}).get("problem")
        if problem is not None:
            items.append((problem.field, localized(problem.message)))
        else:
            items.append((_schema_field(error), _schema_message(error)))
    return items


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, items, status):
        return api.create_response(request, error_body(items), status=status)

    @api.exception_handler(EngineError)
    def _engine(request, exc):
        return respond(request, error_messages(exc), 422)

    @api.exception_handler(DomainError)
    def _domain(request, exc):
        return respond(request, [(exc.field, exc.message)], 422)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return respond(request, [("", status_message(403))], 403)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return respond(request, [("", status_message(404))], 404)

    @api.exception_handler(ValidationError)
    def _django_validation(request, exc):
        if hasattr(exc, "message_dict"):
            items = [(f, m) for f, msgs in exc.message_dict.items() for m in msgs]
        else:
            items = [("", m) for m in exc.messages]
        return respond(request, items, 422)

    @api.exception_handler(NinjaValidationError)
    def _schema(request, exc):
        return respond(request, schema_errors(exc.errors), 422)

    @api.exception_handler(HttpError)
    def _http(request, exc):
        if isinstance(exc, AuthenticationError):
            message = status_message(401)
        elif exc.status_code == 403 and "csrf" in str(exc.message).lower():
            message = _("Sikkerhedstjekket (CSRF) fejlede. Genindlæs siden, og prøv igen.")
        else:
            message = status_message(exc.status_code)
        return respond(request, [("", message)], exc.status_code)

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, [("", status_message(500))], 500)


class ApiJsonErrorsMiddleware:
    """Under the API prefix, an error response that is not JSON (a path the API does not have, a method the
    path does not take, a CSRF failure outside ninja) is replaced by the JSON body with the same status.

    Sits inside the language middleware, so the message is in the request's language.
    """

    prefix = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(self.prefix)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            replacement = JsonResponse(error_body([("", status_message(status))]), status=status)
            if status == 405 and response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(self.prefix) or settings.DEBUG_PROPAGATE_EXCEPTIONS:
            return None
        status = (
            404 if isinstance(exception, Http404) else 403 if isinstance(exception, PermissionDenied) else 500
        )
        if status == 500:
            logger.exception("API error on %s %s", request.method, request.path)
        return JsonResponse(error_body([("", status_message(status))]), status=status)
