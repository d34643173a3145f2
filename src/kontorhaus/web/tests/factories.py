"""Test data through the real services: articles, stock and orders as the shop sends them."""

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.services import ArticleData, article_create
from kontorhaus.core.audit import Actor
from kontorhaus.flows.order_intake import IntakeLine, OrderIntake, order_intake
from kontorhaus.inventory.models import StockMoveReason
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.sales.models import SalesOrder

ACTOR = Actor("test", "web")
PASSWORD = "correct horse battery"  # noqa: S105 -- test fixture
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

_external_ids = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"clerk{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    is_staff = True

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):  # noqa: N805 -- factory_boy hook signature
        if create:
            obj.save()


def make_article(sku: str = "TSHIRT-M", *, name: str = "T-Shirt M", price: str = "19.99", stock: int = 0,
                 kind: str = "physical", vat_class: str = "standard") -> Article:
    article = article_create(
        sku=sku, data=ArticleData(name=name, price_gross=Decimal(price), kind=kind, vat_class=vat_class), actor=ACTOR,
    )
    if stock:
        stock_adjust(article=article, delta=stock, reason=StockMoveReason.RECEIPT, note="test stock", actor=ACTOR)
    return article


def make_order(
    *lines: tuple[str, int, str],
    email: str = "erika@example.com",
    name: str = "Erika Mustermann",
    company: str = "",
    placed_at: dt.datetime = T0,
    external_id: str = "",
    paid: bool = False,
    payment_method: str = "prepayment",
) -> SalesOrder:
    """An order for existing articles; lines are (sku, quantity, unit gross price)."""
    address = {"name": name, "company": company, "street": "Königsallee 12", "postal_code": "40212",
               "city": "Düsseldorf", "country": "DE"}
    intake = OrderIntake(
        channel="shop", external_id=external_id or f"EXT-{next(_external_ids):05d}", placed_at=placed_at,
        currency="EUR", prices_include_vat=True,
        customer={"email": email, "name": name, "company": company},
        billing_address=address, shipping_address=None,
        lines=tuple(IntakeLine(sku, qty, Decimal(price)) for sku, qty, price in lines or [("TSHIRT-M", 1, "19.99")]),
        payment_method=payment_method, paid=paid, shipping_method="DHL", shipping_price=Decimal("4.90"),
    )
    return order_intake(intake=intake, actor=ACTOR).order
