"""One error body for the whole API: {"detail": [{"field": ..., "message": ...}]} with a proper status."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError


class DomainError(ValueError):
    """Bad input found by a service or an engine: names the field and the problem (Danish), changes nothing."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def error_body(items: list[tuple[str, str]]) -> dict:
    return {"detail": [{"field": f, "message": m} for f, m in items]}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return api.create_response(request, error_body([("", "Du har ikke adgang til dette.")]), status=403)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(request, error_body([("", "Findes ikke.")]), status=404)

    @api.exception_handler(DomainError)
    def _domain(request, exc):
        return api.create_response(request, error_body([(exc.field, exc.message)]), status=422)

    @api.exception_handler(ValidationError)
    def _django_validation(request, exc):
        if hasattr(exc, "message_dict"):
            items = [(f, m) for f, msgs in exc.message_dict.items() for m in msgs]
        else:
            items = [("", m) for m in exc.messages]
        return api.create_response(request, error_body(items), status=422)

    @api.exception_handler(NinjaValidationError)
    def _schema(request, exc):
        items = [(".".join(str(p) for p in e.get("loc", ())), e.get("msg", "")) for e in exc.errors]
        return api.create_response(request, error_body(items), status=422)
