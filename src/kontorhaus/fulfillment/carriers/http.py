"""One HTTP call with the standard library (no new dependency): JSON in, JSON out, and every
way of not getting an answer turned into CarrierError.

Two things a plain urlopen() does that a carrier call must not:
- follow redirects: urllib re-sends the Authorization and API-key headers to wherever a 3xx
  points, so a redirect (or a hijacked address) would hand our credentials to another host.
  Carrier APIs do not redirect; a 3xx comes back as an answer and is refused by the adapter;
- speak plain http:// to anyone: credentials travel in headers, so http is allowed only to this
  machine (the local fake DHL) and https everywhere else.

"No answer" has two meanings for a booking. When the request never left (connection refused,
no route, DNS), nothing was booked: "unavailable", try again. When it was sent and the answer
did not come (read timeout, connection dropped), the carrier may have booked: for a call that
books (`books=True`) that is "unknown", and the caller must not book again blindly."""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from .base import CarrierError, CarrierErrorKind

MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # labels of 30 parcels as base64 PDFs stay far below
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: Any  # parsed JSON, or None when the body was not JSON
    raw: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201 - urllib's signature
        return None  # urllib then raises HTTPError with the 3xx, which comes back as an answer


_opener = urllib.request.build_opener(_NoRedirect)


def address_allowed(url: str) -> bool:
    """https to anyone, http only to this machine (the local fake)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        return None


def http_call(method: str, url: str, *, headers: dict[str, str], body: bytes | None = None,  # noqa: PLR0913 - keyword-only, urlopen's own set plus who we call
              timeout: float, carrier: str, books: bool = False) -> HttpAnswer:
    """Any HTTP status comes back as an answer (a redirect too: it is not followed); no answer
    at all raises "unavailable", or "unknown" for a booking call that was sent (`books`)."""
    if not address_allowed(url):
        raise CarrierError(f"{carrier}: the carrier account has no valid API address (https, or http to this "
                           "machine only)", kind=CarrierErrorKind.AUTH)
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - http(s) only
    try:
        with _opener.open(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE_BYTES)
            return HttpAnswer(response.status, _parse(raw), raw)
    except urllib.error.HTTPError as error:
        raw = error.read(MAX_RESPONSE_BYTES)
        return HttpAnswer(error.code, _parse(raw), raw)
    except urllib.error.URLError as error:  # raised while connecting or sending: nothing reached the carrier
        raise CarrierError(f"{carrier} did not answer ({_reason(error)}). Nothing was booked; try again in a few "
                           "minutes.", kind=CarrierErrorKind.UNAVAILABLE) from error
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as error:
        # sent, but the answer did not come
        if books:
            raise CarrierError(f"{carrier} did not answer in time ({_reason(error)}). The booking may have been made "
                               f"at {carrier}: check the {carrier} portal before booking again.",
                               kind=CarrierErrorKind.UNKNOWN) from error
        raise CarrierError(f"{carrier} did not answer ({_reason(error)}); try again in a few minutes.",
                           kind=CarrierErrorKind.UNAVAILABLE) from error


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason)[:120] or type(error).__name__


def json_body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
