"""Test data through the real services: articles with stock, and orders through the intake flow."""

import datetime as dt
import itertools
from decimal import Decimal

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.services import ArticleData, article_create
from kontorhaus.core.audit import Actor
from kontorhaus.flows.order_intake import IntakeLine, IntakeResult, OrderIntake, order_intake
from kontorhaus.inventory.services import stock_adjust

TESTER = Actor("test", "pytest")
_external_ids = itertools.count(1)


def make_article(*, sku: str = "TSHIRT-M", price: str = "19.99", stock: int = 0, vat_class: str = "standard",
                 kind: str = "physical", name: str = "", product_category: str = "") -> Article:
    article = article_create(
        sku=sku, data=ArticleData(name=name or f"Artikel {sku}", price_gross=Decimal(price), kind=kind,
                                  vat_class=vat_class, product_category=product_category), actor=TESTER,
    )
    if stock:
        stock_adjust(article=article, delta=stock, reason="receipt", note="test stock", actor=TESTER)
    return article


def order_payload(**overrides) -> dict:
    """The JSON body a shop posts to /api/v1/orders."""
    body = {
        "channel": "webshop",
        "external_id": str(next(_external_ids) + 10000),
        "placed_at": "2026-11-26T10:15:00+01:00",
        "currency": "EUR",
        "prices_include_vat": True,
        "customer": {"email": "erika@example.com", "name": "Erika Mustermann", "company": None, "vat_id": None,
                     "phone": None},
        "billing_address": {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115",
                            "city": "Berlin", "country": "DE"},
        "lines": [{"sku": "TSHIRT-M", "quantity": 2, "unit_price": "19.99"}],
        "shipping": {"method": "dhl-paket", "price": "4.90"},
        "payment": {"method": "prepayment", "paid": False},
        "require_stock": False,
    }
    body.update(overrides)
    return body


def make_intake(*, lines: list[tuple[str, int, str]] = (("TSHIRT-M", 2, "19.99"),), external_id: str = "",
                paid: bool = False, require_stock: bool = False, shipping_price: str = "4.90",
                prices_include_vat: bool = True, email: str = "erika@example.com") -> OrderIntake:
    return OrderIntake(
        channel="webshop", external_id=external_id or str(next(_external_ids)),
        placed_at=dt.datetime(2026, 11, 26, 9, 15, tzinfo=dt.UTC), currency="EUR",
        prices_include_vat=prices_include_vat,
        customer={"email": email, "name": "Erika Mustermann"},
        billing_address={"name": "Erika Mustermann", "company": "", "street": "Hauptstraße 1",
                         "postal_code": "10115", "city": "Berlin", "country": "DE"},
        shipping_address=None,
        lines=tuple(IntakeLine(sku, qty, Decimal(price)) for sku, qty, price in lines),
        payment_method="prepayment", paid=paid, shipping_method="dhl-paket" if shipping_price else "",
        shipping_price=Decimal(shipping_price or "0"), require_stock=require_stock,
    )


def place_order(**kwargs) -> IntakeResult:
    return order_intake(intake=make_intake(**kwargs), actor=TESTER)
