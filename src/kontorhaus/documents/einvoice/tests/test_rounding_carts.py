"""Gross-priced carts built to provoke rounding differences — many lines of x.x9 prices, 19 %
and 7 % mixed, quantities like 7 × 0.99 — keep the total the shop charged, to the cent, and
give invoices and credit notes whose totals satisfy EN 16931 (BR-CO-10 … BR-CO-17), checked
by the official rules."""

import random
from decimal import Decimal

import pytest

from kontorhaus.billing.services import credit_note_issue_partial
from kontorhaus.documents import registry
from kontorhaus.documents.einvoice.build import einvoice_xml
from kontorhaus.documents.einvoice.model import Syntax
from kontorhaus.sales.tests.factories import TESTER, make_article

from .conftest import fatal

pytestmark = pytest.mark.django_db


def _cart(seed: int) -> list[tuple[str, int, str]]:
    rng = random.Random(seed)
    lines = []
    for index in range(rng.randint(8, 25)):
        euros, cents = rng.randint(0, 40), rng.choice((9, 19, 29, 49, 79, 89, 99))
        quantity = rng.choice((1, 1, 2, 3, 7, 11))
        lines.append((f"R{index % 12}", quantity, f"{euros}.{cents:02d}"))
    return lines


@pytest.fixture
def rounding_articles(company):
    for index in range(12):
        make_article(sku=f"R{index}", vat_class="reduced" if index % 3 == 0 else "standard")


@pytest.mark.parametrize("seed", range(6))
def test_a_rounding_cart_keeps_the_shops_total_and_valid_en16931_totals(
        seed, rounding_articles, order_invoice, official_validator):
    # given a cart of many awkward gross prices
    lines = [*_cart(seed), ("R1", 7, "0.99"), ("R0", 3, "0.33")]
    shop_total = sum(Decimal(price) * quantity for _, quantity, price in lines) + Decimal("4.90")
    # when it is ordered and invoiced
    invoice = order_invoice(lines=tuple(lines), buyer_reference="991-33333TEST-33")
    # then the invoice total is what the shop charged, the line nets add up to the document's net ...
    assert invoice.total_gross == shop_total
    line_net = sum(line.net for line in invoice.lines.all())
    assert line_net == invoice.total_net == sum(Decimal(b["net"]) for b in invoice.tax_breakdown)
    assert invoice.total_net + invoice.total_vat == invoice.total_gross
    # ... and the EN 16931 XML passes the official rules (BR-CO-10 … 17 among them)
    xml = einvoice_xml(registry.snapshot_for("invoice", invoice.number), syntax=Syntax.XRECHNUNG_CII)
    assert fatal(official_validator(xml, xrechnung=True)) == []


def test_an_odd_partial_credit_note_of_a_rounding_cart_is_valid(rounding_articles, order_invoice,
                                                                official_validator):
    invoice = order_invoice(lines=tuple(_cart(99)))
    note = credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("13.37"), reason="Kulanz", actor=TESTER)
    assert note.total_net + note.total_vat == note.total_gross == Decimal("13.37")
    xml = einvoice_xml(registry.snapshot_for("credit_note", note.number))
    assert fatal(official_validator(xml)) == []
