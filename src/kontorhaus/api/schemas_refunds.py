import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import StrictBool

from .schemas_orders import Money, text


class RefundIn(Schema):
    payment: text(min_length=1, max_length=128) | None = None  # the payment's external_id; optional if only one
    amount: Money
    reason: text(max_length=200) = ""
    with_credit_note: StrictBool = True
    iban: text(max_length=42) | None = None  # bank refunds: another account than the one the money came from
    account_name: text(max_length=70) | None = None


class RefundOut(Schema):
    id: str
    order_number: str
    payment: str | None
    amount: Decimal
    currency: str
    method: str
    status: str
    reason: str
    credit_note: str | None
    provider_reference: str
    iban: str
    account_name: str
    sepa_export: str | None
    last_error: str
    requested_at: dt.datetime
