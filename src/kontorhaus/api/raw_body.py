"""Request bodies the API reads itself rather than through a schema: a CSV file sent as the
body, and a webhook whose signature is computed over the exact bytes. Both have their own size
limit, checked on Content-Length before a byte is read and again on what was read (a client
may send more than it announced, or no length at all)."""

import re

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from kontorhaus.core.exceptions import DomainError, InvalidInput

# Tab, line feed and carriage return belong in a CSV file; other control characters do not
# (a NUL byte cannot be stored, and the others are never part of a number or an order number).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CSV_TYPES = ("text/csv", "text/plain", "application/csv")


class BodyTooLarge(DomainError):
    code = "too_large"
    status = 413


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415


def body_bytes(request: HttpRequest, *, limit: int) -> bytes:
    """The raw body, or BodyTooLarge (413) when it is over `limit` bytes."""
    announced = request.META.get("CONTENT_LENGTH") or "0"
    if not announced.isdigit() or int(announced) > limit:
        raise BodyTooLarge(f"the body is larger than {limit // 1024} KB", details={"field": "body"})
    try:
        body = request.body
    except RequestDataTooBig:  # over the server-wide DATA_UPLOAD_MAX_MEMORY_SIZE
        raise BodyTooLarge(f"the body is larger than {limit // 1024} KB", details={"field": "body"}) from None
    if len(body) > limit:
        raise BodyTooLarge(f"the body is larger than {limit // 1024} KB", details={"field": "body"})
    return body


def csv_body_text(request: HttpRequest, *, limit: int) -> str:
    """A CSV file sent as the body (Content-Type text/csv), decoded from UTF-8 (with or
    without the byte order mark Excel writes)."""
    content_type = (request.content_type or "").lower()
    if content_type not in CSV_TYPES:
        raise UnsupportedMediaType("send the file as the body with Content-Type: text/csv",
                                   details={"field": "Content-Type"})
    try:
        text = body_bytes(request, limit=limit).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text", details={"field": "file"}) from None
    line = next((n for n, row in enumerate(text.split("\n"), start=1) if _CONTROL.search(row)), None)
    if line is not None:
        raise InvalidInput(f"line {line}: control characters are not allowed", details={
            "field": "file", "errors": [f"line {line}: control characters are not allowed"]})
    return text
