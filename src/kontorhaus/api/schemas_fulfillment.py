"""In/Out schemas of the pick-run and shipment API. Strict input: a quantity sent as "2" is
refused with 422 rather than guessed."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StrictInt, model_validator

from .schemas_orders import text

Units = Annotated[StrictInt, Field(gt=0, le=100_000)]


class PickRunCreateIn(Schema):
    mode: Literal["single", "batch", "carrier", "single_line"]
    order_number: text(max_length=32) = ""
    size: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None
    carrier: text(max_length=32) = ""

    @model_validator(mode="after")
    def _needs(self) -> "PickRunCreateIn":
        if self.mode == "single" and not self.order_number:
            raise ValueError("order_number: a single-order pick run needs the order number")
        if self.mode == "batch" and self.size is None:
            raise ValueError("size: a batch needs its size")
        if self.mode == "carrier" and not self.carrier:
            raise ValueError("carrier: name the carrier (the orders' shipping method)")
        return self


class PickConfirmIn(Schema):
    sku: text(min_length=1, max_length=64)
    bin: text(min_length=1, max_length=48)
    quantity: Units


class ToteOut(Schema):
    tote: int
    code: str
    order_number: str
    closed: bool


class PickRowOut(Schema):
    sku: str
    name: str
    bin: str
    quantity: int
    picked: int
    totes: list[dict]


class PickRunOut(Schema):
    number: str
    mode: str
    carrier: str
    status: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    orders: list[ToteOut]
    rows: list[PickRowOut]


class PackLineIn(Schema):
    sku: text(min_length=1, max_length=64)  # the SKU or the GTIN, as scanned
    quantity: Units


class ParcelIn(Schema):
    weight_grams: Annotated[StrictInt, Field(gt=0, le=1_000_000)]
    length_cm: Annotated[StrictInt, Field(gt=0, le=400)]
    width_cm: Annotated[StrictInt, Field(gt=0, le=400)]
    height_cm: Annotated[StrictInt, Field(gt=0, le=400)]


class ShipmentCreateIn(Schema):
    lines: Annotated[list[PackLineIn], Field(min_length=1, max_length=500)]
    parcels: Annotated[list[ParcelIn], Field(min_length=1, max_length=20)]


class ShipmentLineOut(Schema):
    position: int
    sku: str
    name: str
    quantity: int


class ParcelOut(Schema):
    position: int
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int
    tracking_number: str


class ShipmentOut(Schema):
    number: str
    order_number: str
    status: str
    carrier: str
    tracking_number: str
    pick_run: str
    packed_at: dt.datetime
    shipped_at: dt.datetime | None
    lines: list[ShipmentLineOut]
    parcels: list[ParcelOut]
