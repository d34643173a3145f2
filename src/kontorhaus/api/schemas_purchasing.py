"""In/Out schemas of the purchasing API. Input is strict like the order API's: a quantity
sent as "2" or a price sent as a float is refused with 422 and the field named."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr

from .schemas_orders import Country, Email, Money, text

Quantity = Annotated[StrictInt, Field(gt=0, le=1_000_000)]
Code = Annotated[StrictStr, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored


class SupplierIn(Strict):
    number: Code
    name: text(min_length=1, max_length=200)
    email: Email
    street: text(max_length=200) = ""
    postal_code: text(max_length=16) = ""
    city: text(max_length=100) = ""
    country: Country = "DE"
    contact_name: text(max_length=120) = ""
    phone: text(max_length=40) = ""
    currency: Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    payment_terms_days: Annotated[StrictInt, Field(ge=0, le=365)] = 30
    vat_id: text(max_length=32) = ""
    language: Literal["de", "en"] = "de"
    active: StrictBool = True


class SupplierTermsIn(Strict):
    purchase_price: Money
    supplier_sku: text(max_length=64) = ""
    pack_size: Annotated[StrictInt, Field(ge=1, le=100_000)] = 1
    minimum_order_quantity: Quantity = 1
    lead_time_days: Annotated[StrictInt, Field(ge=0, le=365)] = 0
    preferred: StrictBool = False


class SupplierTermsOut(Schema):
    sku: str
    supplier_sku: str
    purchase_price: Decimal
    pack_size: int
    minimum_order_quantity: int
    lead_time_days: int
    preferred: bool


class SupplierOut(Schema):
    number: str
    name: str
    email: str
    street: str
    postal_code: str
    city: str
    country: str
    contact_name: str
    phone: str
    currency: str
    payment_terms_days: int
    vat_id: str
    language: str
    active: bool
    terms: list[SupplierTermsOut]


class PurchaseOrderLineIn(Strict):
    sku: text(min_length=1, max_length=64)
    quantity: Quantity
    unit_price: Money | None = None  # default: the supplier's purchase price


class PurchaseOrderIn(Strict):
    supplier: Code
    warehouse: Code | None = None  # default: the main warehouse
    lines: Annotated[list[PurchaseOrderLineIn], Field(max_length=500)] = []
    from_proposal: StrictBool = False  # the lines of the reorder proposal for this supplier and warehouse
    note: text(max_length=2000) = ""


class PurchaseOrderLineOut(Schema):
    position: int
    sku: str
    name: str
    supplier_sku: str
    quantity: int
    unit_price: Decimal
    net: Decimal
    received_quantity: int


class PurchaseOrderOut(Schema):
    number: str
    status: str
    supplier: str
    supplier_name: str
    warehouse: str
    currency: str
    total_net: Decimal
    note: str
    created_at: dt.datetime
    ordered_at: dt.datetime | None
    expected_on: dt.date | None
    lines: list[PurchaseOrderLineOut]
    pdf_url: str


class ReceiptLineIn(Strict):
    sku: text(min_length=1, max_length=64)  # the article's SKU or GTIN
    quantity: Quantity
    bin: text(max_length=48) | None = None


class ReceiptIn(Strict):
    lines: Annotated[list[ReceiptLineIn], Field(min_length=1, max_length=500)]


class ReceiptOut(Schema):
    receipt: str
    created: bool
    purchase_order: PurchaseOrderOut


class ProposalLineOut(Schema):
    sku: str
    name: str
    supplier_sku: str
    available: int
    reorder_point: int
    target_level: int
    on_order: int
    quantity: int
    pack_size: int
    minimum_order_quantity: int
    unit_price: Decimal | None


class ProposalOut(Schema):
    supplier: str
    supplier_name: str
    warehouse: str
    currency: str
    total_net: Decimal
    lines: list[ProposalLineOut]


class ReorderOut(Schema):
    proposals: list[ProposalOut]
    without_supplier: list[ProposalLineOut]  # below the reorder point, but nobody to order from
