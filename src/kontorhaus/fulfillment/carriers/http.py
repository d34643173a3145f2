"""One HTTP call with the standard library (no new dependency): JSON in, JSON out, and every
way of not getting an answer turned into CarrierError(kind="unavailable")."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from .base import CarrierError, CarrierErrorKind

MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # labels of 30 parcels as base64 PDFs stay far below


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: Any  # parsed JSON, or None when the body was not JSON
    raw: bytes


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        return None


def http_call(method: str, url: str, *, headers: dict[str, str], body: bytes | None = None,
              timeout: float, carrier: str) -> HttpAnswer:
    """Any HTTP status comes back as an answer; no answer at all raises "unavailable"."""
    if not url.startswith(("https://", "http://")):
        raise CarrierError(f"{carrier}: the carrier account has no valid API address", kind=CarrierErrorKind.AUTH)
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - checked above
            raw = response.read(MAX_RESPONSE_BYTES)
            return HttpAnswer(response.status, _parse(raw), raw)
    except urllib.error.HTTPError as error:
        raw = error.read(MAX_RESPONSE_BYTES)
        return HttpAnswer(error.code, _parse(raw), raw)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        raise CarrierError(f"{carrier} did not answer ({_reason(error)}). Nothing was booked; try again in a few "
                           "minutes.", kind=CarrierErrorKind.UNAVAILABLE) from error


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason)[:120] or type(error).__name__


def json_body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
