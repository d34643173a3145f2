"""In/Out schemas of the quote API. Strict like the order API: amounts and percentages are
strings ("19.99", "10"), quantities integers; anything else is a 422 naming the field."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StrictBool, StrictInt, StrictStr

from .schemas_orders import AddressIn, CustomerIn, Money, OrderOut, VatBucketOut, _currency, text

_PERCENT = re.compile(r"^\d{1,3}(\.\d{1,2})?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # line breaks and tabs are fine in texts


def _paragraphs(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _percent(value: str) -> str:
    if not _PERCENT.match(value) or Decimal(value) > 100:
        raise ValueError("must be a percentage as a string between \"0\" and \"100\" (at most 2 decimals)")
    return value


def _plausible_date(value: dt.date) -> dt.date:
    if not 2000 <= value.year < 2100:
        raise ValueError("must be between 2000 and 2100")
    return value


Percent = Annotated[StrictStr, AfterValidator(_percent)]
Paragraphs = Annotated[StrictStr, Field(max_length=2000), AfterValidator(_paragraphs)]


class QuoteLineIn(Schema):
    sku: text(min_length=1, max_length=64)
    quantity: Annotated[StrictInt, Field(gt=0, le=100_000)]
    unit_price: Money | None = None  # None: the article's price
    discount_percent: Percent = "0"


class QuoteIn(Schema):
    customer: CustomerIn
    billing_address: AddressIn
    shipping_address: AddressIn | None = None
    lines: Annotated[list[QuoteLineIn], Field(min_length=1, max_length=500)]
    valid_until: Annotated[dt.date, AfterValidator(_plausible_date)] | None = None  # None: today + setting
    currency: Annotated[StrictStr, AfterValidator(_currency)] = "EUR"
    prices_include_vat: StrictBool = False
    language: Literal["de", "en"] = "de"
    discount_percent: Percent = "0"
    payment_method: Literal["prepayment", "invoice", "paypal", "card", "cod"] = "invoice"
    intro: Paragraphs = ""
    notes: Paragraphs = ""


class QuoteLineOut(Schema):
    position: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount_percent: Decimal
    discounted_unit_price: Decimal
    tax_rate: Decimal
    tax_category: str
    net: Decimal
    tax: Decimal
    gross: Decimal


class QuoteOut(Schema):
    number: str
    status: str
    valid_until: dt.date
    created_at: dt.datetime
    customer: dict
    billing_address: dict
    shipping_address: dict
    language: str
    currency: str
    prices_include_vat: bool
    discount_percent: Decimal
    payment_method: str
    vat_case: str
    lines: list[QuoteLineOut]
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    vat_breakdown: list[VatBucketOut]
    order_number: str | None
    pdf_url: str


class QuoteAcceptOut(Schema):
    quote_number: str
    order_number: str
    created: bool
    order: OrderOut

