"""In/Out schemas of the returns API. Strict like the order API: unknown fields, a quantity
sent as a string or an unknown reason are refused with 422 and the field named."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt

from kontorhaus.returns.states import Condition, Disposition, ReturnReason

from .schemas_orders import Email, Moment, Money, text

Quantity = Annotated[StrictInt, Field(gt=0, le=10_000)]
Position = Annotated[StrictInt, Field(gt=0, le=10_000)]
Reason = Literal[tuple(ReturnReason.values)]  # type: ignore[valid-type]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ReturnLineIn(Strict):
    order: text(max_length=32) = ""  # with position: an order line
    position: Position | None = None
    sku: text(max_length=64) = ""  # without an order: goods of this article
    quantity: Quantity
    reason: Reason
    reason_note: text(max_length=500) = ""


class ReturnCreateIn(Strict):
    order: text(max_length=32) = ""  # a return for one order: every line must be of it
    customer_name: text(max_length=200) = ""
    customer_email: Email | Literal[""] = ""
    note: text(max_length=2000) = ""
    notify_customer: bool = False
    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=200)]


class InspectionLineIn(Strict):
    position: Position
    condition: Literal[tuple(Condition.values)]  # type: ignore[valid-type]
    disposition: Literal[tuple(Disposition.values)]  # type: ignore[valid-type]
    bin: text(max_length=48) = ""  # empty: the article's bin, or the quarantine warehouse
    article: text(max_length=64) = ""  # a wrong item into quarantine: SKU or GTIN of the article that arrived
    loss_of_value: Money = "0.00"
    note: text(max_length=500) = ""


class InspectionIn(Strict):
    lines: Annotated[list[InspectionLineIn], Field(min_length=1, max_length=200)]


class WithdrawalItemIn(Strict):
    position: Position
    quantity: Quantity


class WithdrawalIn(Strict):
    customer_name: text(min_length=1, max_length=200)
    customer_email: Email
    channel: Literal["api", "email", "phone", "letter"] = "api"
    statement: text(max_length=5000) = ""
    items: Annotated[list[WithdrawalItemIn], Field(max_length=200)] = []
    declared_at: Moment | None = None


class ReturnLineOut(Schema):
    position: int
    order: str
    order_line_position: int | None
    sku: str
    name: str
    quantity: int
    reason: str
    reason_note: str
    condition: str
    disposition: str
    bin: str
    received_article: str = ""  # a wrong item: the SKU of the article that arrived instead
    loss_of_value: str
    photos: int


class ReturnOut(Schema):
    number: str
    status: str
    order: str
    channel: str
    customer_name: str
    registered_at: dt.datetime
    label_tracking_number: str
    refund_total: str
    proposal: list[dict]
    credit_notes: list[str]
    refunds: list[str]
    lines: list[ReturnLineOut]


class ReturnListOut(Schema):
    items: list[ReturnOut]
    count: int


class WithdrawalOut(Schema):
    reference: str
    order: str
    declared_at: dt.datetime
    channel: str
    customer_name: str
    customer_email: str
    items: list[dict]
    refund_due_on: dt.date | None  # none for a late withdrawal: the shop decides
    late: bool = False  # declared after the withdrawal period
    settled: bool
    created: bool = False
