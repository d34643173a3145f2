"""In/Out schemas of the order API. Input types are strict: a quantity sent as "2" or a
price sent as a float is refused with 422 rather than guessed."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from babel import Locale
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field, StrictBool, StrictInt, StrictStr

_MONEY = re.compile(r"^\d{1,7}(\.\d{1,4})?$")  # up to 9,999,999.9999: fits the amount columns
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EARLIEST, LATEST = 2000, 2100
COUNTRIES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())
CURRENCIES = frozenset({"EUR", "CHF", "GBP", "USD", "DKK", "SEK", "NOK", "PLN", "CZK", "HUF"})


def _money(value: str) -> str:
    if not _MONEY.match(value):
        raise ValueError("must be a decimal amount as a string, e.g. \"19.99\" (at most 4 decimals, "
                         "not negative, below 10,000,000)")
    return value


def _plain_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _plausible_moment(value: dt.datetime) -> dt.datetime:
    if not EARLIEST <= value.year < LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


def _country(value: str) -> str:
    if value not in COUNTRIES:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as \"DE\"")
    return value


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("must be an e-mail address")
    return value


def _currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError(f"unsupported currency; one of {', '.join(sorted(CURRENCIES))}")
    return value


Money = Annotated[StrictStr, AfterValidator(_money)]
Country = Annotated[StrictStr, AfterValidator(_country)]
Email = Annotated[StrictStr, Field(max_length=254), AfterValidator(_email)]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible_moment)]


def text(*, max_length: int, min_length: int = 0) -> type[str]:
    """A single-line string without control characters (a NUL byte cannot be stored)."""
    return Annotated[StrictStr, Field(min_length=min_length, max_length=max_length), AfterValidator(_plain_text)]


Text = text(min_length=1, max_length=200)
OptionalText = text(max_length=200) | None


class CustomerIn(Schema):
    email: Email
    name: Text
    company: OptionalText = None
    vat_id: text(max_length=32) | None = None
    phone: text(max_length=40) | None = None


class AddressIn(Schema):
    name: Text
    company: OptionalText = None
    street: Text
    postal_code: text(min_length=1, max_length=16)
    city: text(min_length=1, max_length=100)
    country: Country


class LineIn(Schema):
    sku: text(min_length=1, max_length=64)
    quantity: Annotated[StrictInt, Field(gt=0, le=100_000)]
    unit_price: Money


class ShippingIn(Schema):
    method: text(max_length=32) = ""
    price: Money = "0.00"


class PaymentIn(Schema):
    method: Literal["prepayment", "invoice", "paypal", "card", "cod"]
    paid: StrictBool = False


class OrderIn(Schema):
    channel: Annotated[StrictStr, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
    external_id: text(min_length=1, max_length=64)
    placed_at: Moment
    currency: Annotated[StrictStr, AfterValidator(_currency)] = "EUR"
    prices_include_vat: StrictBool = True
    language: Literal["de", "en"] = "de"
    customer: CustomerIn
    billing_address: AddressIn
    shipping_address: AddressIn | None = None
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=500)]
    shipping: ShippingIn | None = None
    payment: PaymentIn
    require_stock: StrictBool = False
    # Ship what is in stock now and the rest later, or wait for everything ("" = the shop's default).
    partial_delivery: Literal["", "ship_available", "wait"] = ""


class OrderLineOut(Schema):
    position: int
    kind: str
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    reserved: int
    backordered: int


class VatBucketOut(Schema):
    rate: Decimal
    category: str
    net: Decimal
    tax: Decimal
    gross: Decimal


class InvoiceRefOut(Schema):
    number: str
    status: str
    pdf_url: str


class OrderOut(Schema):
    number: str
    channel: str
    external_id: str
    status: str
    payment_status: str
    balance_due: Decimal  # still to pay (> 0); < 0: the customer's credit, to be refunded
    fulfillment_status: str
    readiness: str
    partial_delivery: str
    vat_case: str
    released_at: dt.datetime | None
    placed_at: dt.datetime
    currency: str
    prices_include_vat: bool
    payment_method: str
    customer: dict
    billing_address: dict
    shipping_address: dict
    lines: list[OrderLineOut]
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    vat_breakdown: list[VatBucketOut]
    invoice: InvoiceRefOut | None
    credit_notes: list[str] = []


class OrderSummaryOut(Schema):
    number: str
    external_id: str
    status: str
    payment_status: str
    fulfillment_status: str
    readiness: str
    placed_at: dt.datetime
    customer_name: str
    customer_email: str
    total_gross: Decimal
    currency: str


class OrderPageOut(Schema):
    items: list[OrderSummaryOut]
    next_cursor: str | None


class OrderCancelIn(Schema):
    reason: text(max_length=200) = ""
