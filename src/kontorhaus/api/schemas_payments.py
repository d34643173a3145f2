import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StrictStr

from .schemas_orders import Moment, Money, text


class PaymentIn(Schema):
    amount: Money
    currency: Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")] | None = None
    method: Literal["prepayment", "invoice", "paypal", "card", "cod"]
    reference: text(max_length=140) = ""
    external_id: text(min_length=1, max_length=64) | None = None
    received_at: Moment | None = None


class PaymentOut(Schema):
    amount: Decimal
    currency: str
    method: str
    source: str
    reference: str
    external_id: str | None
    received_at: dt.datetime


class PaymentRecordedOut(Schema):
    order_number: str
    payment_status: str
    balance_due: Decimal  # still to pay (> 0); < 0: the customer's credit, to be refunded
    payment: PaymentOut
    payments: list[PaymentOut]
