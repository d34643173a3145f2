"""What the outbound refund clients share: one HTTP call (standard library, a timeout, no
retries of its own — the task retries) and how its failures are classified."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

RETRYABLE_STATUS = frozenset({408, 409, 425, 429})  # 409: Stripe "same idempotency key in flight"


class RefundCallError(Exception):
    """The provider did not refund. `retryable`: trying again later may succeed (network, 5xx,
    rate limit); otherwise the provider refused for good (already refunded, invalid amount)."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class RefundOrder:
    """A refund as the provider clients need it."""

    reference: str  # our refund id: the idempotency key
    provider_payment_id: str  # Stripe payment intent pi_…, PayPal capture id
    amount: Decimal
    currency: str
    reason: str
    order_number: str


def setting(name: str) -> str:
    return str(settings.KONTORHAUS.get(name) or "")


def call(url: str, *, data: bytes | None, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """POST `data` (GET without); (status, JSON body). Network trouble is a retryable RefundCallError."""
    timeout = int(settings.KONTORHAUS.get("PSP_TIMEOUT_SECONDS", 20))
    request = urllib.request.Request(url, data=data, headers=headers,  # noqa: S310 - configured https URL
                                     method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise RefundCallError(f"{url}: {getattr(error, 'reason', error)}", retryable=True) from error


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8") or "{}", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        return {"_raw": body[:200].decode("utf-8", "replace")}
    return data if isinstance(data, dict) else {"_raw": str(data)[:200]}


def failure(status: int, message: str) -> RefundCallError:
    return RefundCallError(f"HTTP {status}: {message}", retryable=status >= 500 or status in RETRYABLE_STATUS)
