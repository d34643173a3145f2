"""Invoices and credit notes for the DATEV tests, made through the real order intake (which
decides the VAT case in sales/taxes.py) with the clock on the issue day."""

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

from kontorhaus.billing.models import CreditNote, Invoice
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_partial
from kontorhaus.core import clock
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.order_intake import order_intake
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
AT_COMPANY_VAT_ID = "ATU13585627"


def on_day(day: dt.date) -> None:
    """Mid-morning on `day`: documents issued now carry it as their issue date."""
    clock.freeze(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC))


def catalogue() -> None:
    make_article(sku="SHIRT", stock=100)  # standard rate
    make_article(sku="TEA", stock=100, vat_class="reduced", product_category="food")
    make_article(sku="BOOK", stock=100, vat_class="reduced", product_category="books_printed")
    make_article(sku="EBOOK", kind="digital", vat_class="reduced", product_category="ebooks")


def order(country: str = "DE", *, day: dt.date = dt.date(2026, 10, 15), vat_id: str = "",
          lines: tuple = (("SHIRT", 1, "119.00"),), shipping: str = "", name: str = "Erika Mustermann",
          ) -> tuple[SalesOrder, Invoice]:
    """An order shipped to `country` (billing address there too), invoiced on `day`."""
    on_day(day)
    intake = make_intake(lines=lines, shipping_price=shipping)
    address = {**intake.billing_address, "country": country, "name": name}
    customer = {**intake.customer, "name": name, "vat_id": vat_id, "company": "Alpen Handel GmbH" if vat_id else ""}
    placed_at = dt.datetime.combine(day, dt.time(8, 30), tzinfo=dt.UTC)
    result = order_intake(intake=dataclasses.replace(intake, billing_address=address, shipping_address=address,
                                                     customer=customer, placed_at=placed_at), actor=TESTER)
    return result.order, invoice_for_order(order_number=result.order.number)


def cancel(sales_order: SalesOrder, *, day: dt.date) -> CreditNote:
    on_day(day)
    order_cancel(order=sales_order, actor=TESTER, reason="Kunde storniert")
    return CreditNote.objects.filter(invoice__order_number=sales_order.number).order_by("-id").first()


def partial_credit(invoice: Invoice, amount: str, *, day: dt.date) -> CreditNote:
    on_day(day)
    return credit_note_issue_partial(invoice=invoice, amount_gross=Decimal(amount), reason="Kulanz", actor=TESTER)


def rows(content: bytes) -> list[list[str]]:
    """The file as DATEV reads it: cp1252, ';', '"'."""
    return list(csv.reader(io.StringIO(content.decode("cp1252"), newline=""), delimiter=";"))
