from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from .schemas_orders import text

Code = Annotated[text(min_length=1, max_length=16), Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Label = Annotated[text(min_length=1, max_length=32), Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Sku = Annotated[text(min_length=1, max_length=64), Field(pattern=r"^\S+$")]
Quantity = Annotated[StrictInt, Field(ge=1, le=1_000_000)]
Counted = Annotated[StrictInt, Field(ge=0, le=1_000_000)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored


class WarehouseIn(Strict):
    code: Code
    name: text(min_length=1, max_length=100)
    sellable: StrictBool = True


class WarehouseOut(Schema):
    code: str
    name: str
    sellable: bool


class BinIn(Strict):
    label: Label
    walk_order: Annotated[StrictInt, Field(ge=0, le=10_000_000)] = 0


class BinOut(Schema):
    warehouse: str
    label: str
    walk_order: int
    active: bool


class StockTransferIn(Strict):
    sku: Sku
    warehouse: Code
    from_bin: Label
    to_bin: Label
    quantity: Quantity


class CountLineIn(Strict):
    sku: Sku
    bin: Label
    counted: Counted
    expected: Counted | None = None  # on hand when counting began: refused if the bin changed since


class StockCountIn(Strict):
    warehouse: Code
    note: text(max_length=200) = ""
    lines: Annotated[list[CountLineIn], Field(min_length=1, max_length=2000)]


class CountDifferenceOut(Schema):
    sku: str
    location: str
    expected: int
    counted: int
    difference: int


class TakenBackOut(Schema):
    order_number: str
    line_position: int
    sku: str
    quantity: int


class StockCountOut(Schema):
    differences: list[CountDifferenceOut]
    backordered: list[TakenBackOut]


class WriteOffIn(Strict):
    sku: Sku
    warehouse: Code
    bin: Label
    quantity: Quantity
    cause: Literal["damage", "loss", "expiry", "other"]
    note: text(max_length=200) = ""


class MoveOut(Schema):
    sku: str
    quantity: int
    reason: str
    from_location: str
    to_location: str
    reference: str
    note: str
    actor: str
    occurred_at: str


class BinStockOut(Schema):
    warehouse: str
    bin: str
    kind: str
    on_hand: int
    reserved: int
    available: int


class ArticleStockOut(Schema):
    sku: str
    name: str
    on_hand: int
    reserved: int
    available: int
    bins: list[BinStockOut]


class LedgerRowOut(MoveOut):
    change: int
    balance: int
