"""A quote from the API: resolve the articles, take the customer (created or updated by
e-mail, as order intake does) and create the draft quote, in one transaction, so that invalid
input leaves nothing behind (not even the customer)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.catalog.selectors import articles_by_sku
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.customers.services import CustomerData, customer_upsert
from kontorhaus.sales.models import Quote
from kontorhaus.sales.services_quotes import QuoteData, QuoteLineData, quote_create


@dataclass(frozen=True)
class QuoteIntakeLine:
    sku: str
    quantity: int
    unit_price: Decimal | None
    discount_percent: Decimal


@dataclass(frozen=True)
class QuoteIntake:
    customer: dict  # email, name, company, vat_id, phone
    billing_address: dict
    shipping_address: dict | None
    lines: tuple[QuoteIntakeLine, ...]
    valid_until: dt.date
    language: str
    currency: str
    prices_include_vat: bool
    discount_percent: Decimal
    payment_method: str
    intro: str = ""
    notes: str = ""


@flow
def quote_intake(*, intake: QuoteIntake, actor: Actor) -> Quote:
    articles = articles_by_sku(skus=[line.sku for line in intake.lines])
    for index, line in enumerate(intake.lines):
        if line.sku not in articles:
            raise InvalidInput(f"unknown SKU {line.sku}", details={"field": f"lines.{index}.sku"})
    address = intake.billing_address
    customer = customer_upsert(data=CustomerData(
        email=intake.customer["email"], name=intake.customer.get("name") or address.get("name", ""),
        company=intake.customer.get("company") or "", vat_id=intake.customer.get("vat_id") or "",
        phone=intake.customer.get("phone") or "", language=intake.language,
        street=address.get("street", ""), postal_code=address.get("postal_code", ""),
        city=address.get("city", ""), country=address.get("country", "DE"),
    ))
    return quote_create(data=QuoteData(
        customer=customer, valid_until=intake.valid_until, language=intake.language, currency=intake.currency,
        prices_include_vat=intake.prices_include_vat, discount_percent=intake.discount_percent,
        payment_method=intake.payment_method, intro=intake.intro, notes=intake.notes,
        billing_address=address, shipping_address=intake.shipping_address, customer_snapshot=intake.customer,
        lines=tuple(QuoteLineData(articles[line.sku], line.quantity, line.unit_price, line.discount_percent)
                    for line in intake.lines),
    ), actor=actor)
