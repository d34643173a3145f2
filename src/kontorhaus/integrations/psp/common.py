"""What the provider adapters share: their errors and the event they read."""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kontorhaus.core.money import MoneyError, exponent, has_at_most_places, to_decimal
from kontorhaus.flows.psp_payment import PspPayment

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
CURRENCY = re.compile(r"[A-Z]{3}")
AMOUNT_MAX = Decimal("999999999999.99")  # what a payment's column holds


class SignatureError(Exception):
    """The delivery is not proven to come from the provider: refused, nothing stored."""


class PayloadError(Exception):
    """Signed, but not an event we can read (not JSON, no id): refused, nothing stored."""


@dataclass(frozen=True)
class ParsedEvent:
    """An event as read: a payment to book, or why it is ignored or must be parked."""

    external_id: str
    event_type: str
    payment: PspPayment | None = None
    ignored: str = ""  # nothing to do (other event type, not paid yet)
    parked: str = ""  # something is wrong with the payment in it; a person looks at it


def load_object(payload: bytes) -> dict[str, Any]:
    """The JSON object in the raw body. Numbers with a fraction stay Decimal (never float)."""
    try:
        data = json.loads(payload.decode("utf-8"), parse_float=Decimal)
    except (ValueError, RecursionError) as error:
        raise PayloadError(f"the body is not JSON: {str(error)[:100]}")
    if not isinstance(data, dict):
        raise PayloadError("the body is not a JSON object")
    return data


def event_id(value: object, *, field: str) -> str:
    if not isinstance(value, str) or not ID.fullmatch(value):
        raise PayloadError(f"{field} is missing or not an id")
    return value


def text(value: object, *, limit: int = 64) -> str:
    """A short printable string from the payload, or "" (a reference with control characters
    or of any other type is no reference)."""
    if not isinstance(value, str) or len(value) > limit or not value.isprintable():
        return ""
    return value.strip()


def currency_code(value: object) -> str | None:
    code = value.upper() if isinstance(value, str) else ""
    return code if CURRENCY.fullmatch(code) else None


def amount_from_minor_units(value: object, currency: str) -> Decimal | None:
    """Stripe's integer amount in the currency's smallest unit (2500 EUR -> 25.00)."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return None
    amount = Decimal(value).scaleb(-exponent(currency))
    return amount if amount <= AMOUNT_MAX else None


def amount_from_string(value: object, currency: str) -> Decimal | None:
    """PayPal's amount string ("44.88"): positive, at most the currency's decimal places."""
    if not isinstance(value, str):
        return None
    try:
        amount = to_decimal(value)
    except MoneyError:
        return None
    if amount <= 0 or amount > AMOUNT_MAX or not has_at_most_places(amount, exponent(currency)):
        return None
    return amount
