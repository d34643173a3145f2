import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field, StrictStr

from .schemas_orders import Money


class PaymentIn(Schema):
    amount: Money
    currency: Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")] | None = None
    method: Literal["prepayment", "invoice", "paypal", "card", "cod"]
    reference: Annotated[StrictStr, Field(max_length=140)] = ""
    external_id: Annotated[StrictStr, Field(min_length=1, max_length=100)] | None = None
    received_at: AwareDatetime | None = None


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
    payment: PaymentOut
    payments: list[PaymentOut]
