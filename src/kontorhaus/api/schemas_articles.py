from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

from .schemas_orders import Money, text


class ArticleIn(Schema):
    name: text(min_length=1, max_length=200)
    price_gross: Money
    kind: Literal["physical", "digital", "service"] = "physical"
    vat_class: Literal["standard", "reduced"] = "standard"
    # What the article is for VAT in other EU countries (OSS destination rates); "" = general.
    product_category: Literal["", "food", "books_printed", "ebooks", "newspapers", "pharmaceuticals",
                              "childrens_clothing"] = ""
    gtin: text(max_length=14) = ""
    weight_grams: Annotated[StrictInt, Field(ge=0, le=1_000_000)] = 0
    active: StrictBool = True


class ArticleCreateIn(ArticleIn):
    sku: Annotated[text(min_length=1, max_length=64), Field(pattern=r"^\S+$")]


class ArticleOut(Schema):
    sku: str
    name: str
    kind: str
    vat_class: str
    product_category: str
    gtin: str
    price_gross: str
    weight_grams: int
    active: bool
    on_hand: int
    reserved: int
    available: int


class StockAdjustmentIn(Schema):
    quantity: Annotated[StrictInt, Field(ge=-1_000_000, le=1_000_000)]
    reason: Literal["adjustment", "receipt", "write_off"] = "adjustment"
    note: text(max_length=200) = ""


class StockMoveOut(Schema):
    sku: str
    quantity: int
    direction: str
    reason: str
    note: str
    occurred_at: str
