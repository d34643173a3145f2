"""Quotes for tests, through the real services."""

import datetime as dt
from decimal import Decimal

from kontorhaus.catalog.selectors import articles_by_sku
from kontorhaus.core import clock
from kontorhaus.customers.models import Customer
from kontorhaus.customers.services import CustomerData, customer_upsert
from kontorhaus.sales.models import Quote
from kontorhaus.sales.services_quotes import QuoteData, QuoteLineData, quote_create

from .factories import TESTER, make_article


def make_customer(*, email: str = "einkauf@example.com", name: str = "Erika Mustermann", company: str = "Muster GmbH",
                  vat_id: str = "", country: str = "DE", city: str = "Berlin") -> Customer:
    return customer_upsert(data=CustomerData(email=email, name=name, company=company, vat_id=vat_id,
                                             street="Hauptstraße 1", postal_code="10115", city=city,
                                             country=country))


def two_articles() -> tuple:
    return (make_article(sku="DESK", price="119.00", name="Schreibtisch"),
            make_article(sku="BOOK", price="26.74", vat_class="reduced", name="Handbuch"))


def make_quote(*, customer: Customer | None = None, lines: tuple[tuple[str, int, str | None, str], ...] | None = None,
               discount: str = "0", prices_include_vat: bool = False, valid_days: int = 30,
               language: str = "de") -> Quote:
    """`lines` are (sku, quantity, unit price or None, line discount %) of existing articles."""
    customer = customer or make_customer()
    lines = lines or (("DESK", 1, "100.00", "0"),)
    articles = articles_by_sku(skus=[sku for sku, *_ in lines])
    return quote_create(data=QuoteData(
        customer=customer, valid_until=clock.today() + dt.timedelta(days=valid_days), language=language,
        prices_include_vat=prices_include_vat, discount_percent=Decimal(discount),
        lines=tuple(QuoteLineData(articles[sku], qty, Decimal(price) if price else None, Decimal(pct))
                    for sku, qty, price, pct in lines),
    ), actor=TESTER)
