"""One exception hierarchy with stable codes; the API maps it to 409/422, pages to form errors."""

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status = 409

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class InvalidInput(DomainError):
    """Well-formed request whose content the business rules reject (unknown SKU, ...)."""

    code = "invalid_input"
    status = 422


class InvalidTransition(DomainError):
    code = "invalid_transition"


class InsufficientStock(DomainError):
    code = "insufficient_stock"


class DocumentImmutable(DomainError):
    code = "document_immutable"


class NumberingUnavailable(DomainError):
    code = "numbering_unavailable"


class DuplicateExternalOrder(DomainError):
    code = "duplicate_external_order"


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"


class NotFound(DomainError):
    code = "not_found"
    status = 404
