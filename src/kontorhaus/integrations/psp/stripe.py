"""Stripe webhooks: the `Stripe-Signature` scheme and the events that mean "paid".

Signature (stripe-python `_webhook.py`): the header is `t=<unix time>,v1=<hex>[,v1=<hex>…]`;
each v1 is HMAC-SHA256 over `"<t>." + raw body` with the endpoint's signing secret
(`whsec_…`). Any matching v1 is enough (Stripe sends several while a secret is rotated), the
comparison is constant-time, and a `t` more than the tolerance (300 s) away from our clock
is refused, so a captured delivery cannot be replayed later.

Events: `checkout.session.completed` and `checkout.session.async_payment_succeeded` (the
session names our order in `client_reference_id` or `metadata.order_number`; it is paid only
when `payment_status` is "paid" — delayed methods complete unpaid first) and
`payment_intent.succeeded` (`metadata.order_number`). Both name the payment intent, which is
the key the payment is booked under, so a session and its intent book once.
"""

import datetime as dt
import hashlib
import hmac
from typing import Any

from kontorhaus.flows.psp_payment import PspPayment

from .common import (
    ParsedEvent,
    SignatureError,
    amount_from_minor_units,
    currency_code,
    event_id,
    load_object,
    text,
)

PROVIDER = "stripe"
HEADER = "Stripe-Signature"
TOLERANCE_SECONDS = 300
SESSION_PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
INTENT_SUCCEEDED = "payment_intent.succeeded"


def stripe_signature(*, payload: bytes, secret: str, timestamp: int) -> str:
    """The header value Stripe would send for these bytes (for tests and trying it with curl)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_signature_verify(*, payload: bytes, header: str, secret: str, now: dt.datetime,
                            tolerance: int = TOLERANCE_SECONDS) -> None:
    timestamp, signatures = _parse_header(header)
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("no v1 signature matches the body")
    if abs(now.timestamp() - timestamp) > tolerance:
        raise SignatureError(f"the signature's timestamp is more than {tolerance} s away from now")


def _parse_header(header: str) -> tuple[int, list[str]]:
    if not header:
        raise SignatureError(f"the {HEADER} header is missing")
    timestamp, signatures = None, []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.strip().lower())
    if timestamp is None or not signatures:
        raise SignatureError(f"the {HEADER} header has no timestamp or no v1 signature")
    return timestamp, signatures


def stripe_event_parse(payload: bytes) -> ParsedEvent:
    data = load_object(payload)
    external_id = event_id(data.get("id"), field="id")
    event_type = event_id(data.get("type"), field="type")
    envelope = data.get("data")
    obj = envelope.get("object") if isinstance(envelope, dict) else None
    if event_type not in (*SESSION_PAID, INTENT_SUCCEEDED):
        return ParsedEvent(external_id, event_type, ignored=f"{event_type} is not a payment we book")
    if not isinstance(obj, dict):
        return ParsedEvent(external_id, event_type, parked="the event carries no data.object")
    if event_type == INTENT_SUCCEEDED:
        found = _intent(obj)
    else:
        status = obj.get("payment_status")
        if status != "paid":
            return ParsedEvent(external_id, event_type, ignored=f"the session's payment_status is {status!r}, not "
                               "'paid' (a delayed payment completes with checkout.session.async_payment_succeeded)")
        found = _session(obj)
    return _payment(external_id, event_type, found, received=_time(data.get("created")))


def _session(session: dict[str, Any]) -> tuple[object, str, object, object]:
    """(payment intent id, reference, amount, currency) of a paid checkout session."""
    intent = session.get("payment_intent")
    intent_id = intent.get("id") if isinstance(intent, dict) else intent
    reference = text(session.get("client_reference_id")) or text(_metadata(session).get("order_number"))
    return intent_id, reference, session.get("amount_total"), session.get("currency")


def _intent(intent: dict[str, Any]) -> tuple[object, str, object, object]:
    return intent.get("id"), text(_metadata(intent).get("order_number")), intent.get("amount_received"), \
        intent.get("currency")


def _payment(external_id: str, event_type: str, found: tuple[object, str, object, object], *,
             received: dt.datetime | None) -> ParsedEvent:
    intent_id, reference, amount, currency = found
    if not isinstance(intent_id, str) or not intent_id.startswith("pi_") or not text(intent_id, limit=100):
        return ParsedEvent(external_id, event_type, parked="the event names no payment intent (pi_…)")
    code = currency_code(currency)
    value = amount_from_minor_units(amount, code) if code else None
    if value is None:
        return ParsedEvent(external_id, event_type, parked=f"unreadable amount {amount!r} {currency!r}"[:200])
    payment = PspPayment(provider=PROVIDER, payment_id=intent_id, reference=reference, amount=value, currency=code,
                         method="card", received_at=received)
    return ParsedEvent(external_id, event_type, payment=payment)


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def _time(value: object) -> dt.datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**10:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    return None
