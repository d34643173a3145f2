"""Credit notes of given invoice lines: each amount at its own line's VAT rate and category,
never more than the line (or the invoice) has uncredited, gaplessly numbered, valid EN 16931."""

from decimal import Decimal

import pytest
from lxml import etree

from kontorhaus.billing.models import CreditNote
from kontorhaus.billing.refunds.services_credit_notes import CreditLine, credit_note_issue_for_lines
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_partial
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.documents.einvoice.build import einvoice_xml_for
from kontorhaus.documents.einvoice.cii import RAM
from kontorhaus.documents.einvoice.model import Syntax
from kontorhaus.documents.einvoice.tests.conftest import fatal, official_validator  # noqa: F401 - the fixture
from kontorhaus.sales.tests.factories import TESTER

from .factories import mixed_vat_order

pytestmark = pytest.mark.django_db


def _lines(invoice) -> dict[str, int]:
    return {line.sku or "shipping": line.position for line in invoice.lines.all()}


def test_a_returned_book_is_credited_at_7_percent_only():
    # given an invoice of 2 x 19.99 (19 %), a 10.00 book (7 %) and 4.90 shipping (19 %)
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    book = _lines(invoice)["BOOK"]
    # when the book is credited
    note = credit_note_issue_for_lines(invoice=invoice, lines=[CreditLine(book, Decimal("10.00"), "Retoure Buch")],
                                       reason="Retoure", actor=TESTER)
    # then all of it is at 7 %: net 9.35, VAT 0.65
    assert [(b["rate"], b["category"], b["net"], b["tax"], b["gross"]) for b in note.tax_breakdown] == [
        ("7.00", "S", "9.35", "0.65", "10.00")]
    assert [(line["tax_rate"], line["net"], line["tax"], line["gross"], line["name"], line["invoice_line"])
            for line in note.lines] == [("7.00", "9.35", "0.65", "10.00", "Retoure Buch", book)]
    assert (note.total_net, note.total_vat, note.total_gross) == (Decimal("9.35"), Decimal("0.65"), Decimal("10.00"))


def test_goods_and_shipping_each_at_their_own_rate_and_the_xml_says_so():
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    positions = _lines(invoice)
    shipping = next(line.position for line in invoice.lines.all() if "TSHIRT" not in line.sku and line.sku != "BOOK")
    note = credit_note_issue_for_lines(invoice=invoice, reason="Retoure", actor=TESTER, lines=[
        CreditLine(positions["TSHIRT-M"], Decimal("19.99")), CreditLine(positions["BOOK"], Decimal("8.50")),
        CreditLine(shipping, Decimal("4.90"))])
    buckets = {b["rate"]: (Decimal(b["net"]), Decimal(b["tax"]), Decimal(b["gross"])) for b in note.tax_breakdown}
    assert buckets == {"19.00": (Decimal("20.92"), Decimal("3.97"), Decimal("24.89")),
                       "7.00": (Decimal("7.94"), Decimal("0.56"), Decimal("8.50"))}
    assert note.total_gross == Decimal("33.39") == note.total_net + note.total_vat
    assert sum(Decimal(line["net"]) for line in note.lines) == note.total_net
    # the CII XML carries one breakdown per rate with these sums
    xml = einvoice_xml_for(kind="credit_note", number=note.number, syntax=Syntax.CII).content
    groups = etree.fromstring(xml).findall(f".//{{{RAM}}}ApplicableHeaderTradeSettlement/{{{RAM}}}ApplicableTradeTax")
    assert sorted((g.findtext(f"{{{RAM}}}RateApplicablePercent"), g.findtext(f"{{{RAM}}}BasisAmount"),
                   g.findtext(f"{{{RAM}}}CalculatedAmount")) for g in groups) == [
        ("19.00", "20.92", "3.97"), ("7.00", "7.94", "0.56")]


def test_the_note_of_lines_is_a_valid_e_invoice(official_validator):  # noqa: F811 - the fixture
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    note = credit_note_issue_for_lines(invoice=invoice, reason="Retoure", actor=TESTER,
                                       lines=[CreditLine(_lines(invoice)["BOOK"], Decimal("10.00"))])
    xml = einvoice_xml_for(kind="credit_note", number=note.number, syntax=Syntax.CII).content
    assert fatal(official_validator(xml)) == []


def test_never_more_than_a_line_has_left_and_nothing_issued_when_refused():
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    book = _lines(invoice)["BOOK"]
    credit_note_issue_for_lines(invoice=invoice, lines=[CreditLine(book, Decimal("6.00"))], reason="", actor=TESTER)
    count = CreditNote.objects.count()
    with pytest.raises(InvalidInput) as refused:
        credit_note_issue_for_lines(invoice=invoice, lines=[CreditLine(book, Decimal("4.01"))], reason="",
                                    actor=TESTER)
    assert refused.value.code == "credit_exceeds_line" and refused.value.details["uncredited"] == "4.00"
    assert CreditNote.objects.count() == count
    last = credit_note_issue_for_lines(invoice=invoice, lines=[CreditLine(book, Decimal("4.00"))], reason="",
                                       actor=TESTER)
    assert last.tax_breakdown[0]["rate"] == "7.00"


def test_a_rate_credited_away_by_a_weighted_note_cannot_be_credited_again():
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("54.88"), reason="", actor=TESTER)
    with pytest.raises(InvalidInput) as refused:
        credit_note_issue_for_lines(invoice=invoice, lines=[CreditLine(_lines(invoice)["BOOK"], Decimal("1.00"))],
                                    reason="", actor=TESTER)
    assert refused.value.code == "credit_exceeds_invoice"


@pytest.mark.parametrize(("position", "amount"), [(99, "1.00"), (None, "0"), (None, "-1.00"), (None, "1.005")])
def test_hostile_lines_are_refused_and_nothing_is_issued(position, amount):
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    book = _lines(invoice)["BOOK"]
    with pytest.raises(InvalidInput):
        credit_note_issue_for_lines(invoice=invoice, reason="", actor=TESTER,
                                    lines=[CreditLine(position or book, Decimal(amount))])
    with pytest.raises(InvalidInput):
        credit_note_issue_for_lines(invoice=invoice, reason="", actor=TESTER, lines=[])
    with pytest.raises(InvalidInput):  # the same line twice
        credit_note_issue_for_lines(invoice=invoice, reason="", actor=TESTER,
                                    lines=[CreditLine(book, Decimal("1.00")), CreditLine(book, Decimal("1.00"))])
    assert not CreditNote.objects.exists()
