"""One error shape for the whole API: {"code", "message", "details"} (STYLE 7)."""

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from kontorhaus.core.exceptions import DomainError


def _field(loc: list) -> str:
    # ninja prefixes the location with "body"/"query"/"path"; the caller wants the field.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"body", "query"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError):
        errors = [{"field": _field(e.get("loc", [])), "reason": e.get("msg", "invalid")} for e in exc.errors]
        message = "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5])
        body = {"code": "invalid_input", "message": message, "details": {"errors": errors}}
        return api.create_response(request, body, status=422)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig):
        body = {"code": "invalid_input", "message": "request body is too large",
                "details": {"errors": [{"field": "body", "reason": "too large"}]}}
        return api.create_response(request, body, status=422)

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError):
        # A value the database cannot hold (out of range, invalid characters) slipped past the
        # schemas: the transaction was rolled back, so it is the caller's input, not a crash.
        body = {"code": "invalid_input", "message": "a value is out of range or contains invalid characters",
                "details": {"errors": [{"field": "body", "reason": "out of range or invalid characters"}]}}
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError):
        body = {"code": "unauthorized", "message": "a valid bearer token is required", "details": {}}
        return api.create_response(request, body, status=401)
