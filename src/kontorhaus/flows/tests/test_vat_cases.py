"""Each VAT case end to end through the real order intake: order → invoice → credit note,
with exact amounts, EN 16931 categories and the legal notes (§ 14, § 14a UStG)."""

from decimal import Decimal

import pytest

from kontorhaus.billing.models import CreditNote
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_partial
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import CompanyProfile
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.order_intake import OrderIntake, order_intake
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def catalogue():
    make_article(sku="SHIRT", stock=100)  # standard rate
    make_article(sku="TEA", stock=100, vat_class="reduced", product_category="food")
    make_article(sku="BOOK", stock=100, vat_class="reduced", product_category="books_printed")
    make_article(sku="EBOOK", stock=0, kind="digital", vat_class="reduced", product_category="ebooks")


def _order(country="DE", *, vat_id="", lines=(("SHIRT", 1, "119.00"),), shipping="", billing_country=None,
           prices_include_vat=True):
    intake = make_intake(lines=lines, shipping_price=shipping, prices_include_vat=prices_include_vat)
    billing = {**intake.billing_address, "country": billing_country or country}
    shipping_address = {**intake.billing_address, "country": country}
    customer = {**intake.customer, "vat_id": vat_id, "company": "Firma" if vat_id else ""}
    result = order_intake(intake=OrderIntake(**{**intake.__dict__, "billing_address": billing,
                                                "shipping_address": shipping_address, "customer": customer}),
                          actor=TESTER)
    order = result.order
    return order, invoice_for_order(order_number=order.number)


def _lines(invoice):
    return [(line.sku or line.name, line.tax_category, line.tax_rate, line.net, line.tax, line.gross)
            for line in invoice.lines.all()]


def test_domestic_consumer_pays_german_rates():
    order, invoice = _order(lines=(("SHIRT", 1, "119.00"), ("TEA", 1, "10.70")), shipping="4.90")
    assert (order.vat_case, invoice.vat_case, invoice.notes) == ("domestic", "domestic", [])
    assert _lines(invoice) == [
        ("SHIRT", "S", D("19.00"), D("100.00"), D("19.00"), D("119.00")),
        ("TEA", "S", D("7.00"), D("10.00"), D("0.70"), D("10.70")),
        ("dhl-paket", "S", D("19.00"), D("4.12"), D("0.78"), D("4.90")),
    ]
    assert invoice.total_gross == D("134.60")


def test_austrian_consumer_pays_austrian_rates_under_oss_with_the_same_gross():
    order, invoice = _order("AT", lines=(("SHIRT", 1, "119.00"), ("BOOK", 1, "22.00")))
    assert order.vat_case == "oss"
    assert _lines(invoice) == [
        ("SHIRT", "S", D("20.00"), D("99.17"), D("19.83"), D("119.00")),
        ("BOOK", "S", D("10.00"), D("20.00"), D("2.00"), D("22.00")),
    ]
    assert {b["country"] for b in invoice.tax_breakdown} == {"AT"}
    assert invoice.total_gross == D("141.00")  # what the shop charged, to the cent


def test_with_oss_off_goods_and_ebooks_keep_german_vat():
    # below the EUR 10,000 threshold (one threshold for goods and electronic services, § 3a
    # Abs. 5 S. 3 UStG) a seller without OSS charges German VAT
    CompanyProfile.objects.update_or_create(pk=1, defaults={"oss_enabled": False})
    order, invoice = _order("FR", lines=(("SHIRT", 1, "119.00"), ("EBOOK", 1, "10.70")))
    assert [(sku, category, rate) for sku, category, rate, *_ in _lines(invoice)] == [
        ("SHIRT", "S", D("19.00")), ("EBOOK", "S", D("7.00"))]
    assert order.vat_case == "domestic"


def test_with_oss_on_an_ebook_pays_the_destination_rate():
    _, invoice = _order("FR", lines=(("EBOOK", 1, "10.55"),))
    assert _lines(invoice) == [("EBOOK", "S", D("5.50"), D("10.00"), D("0.55"), D("10.55"))]


def test_irish_children_book_is_zero_rated():
    _, invoice = _order("IE", lines=(("BOOK", 2, "15.00"),))
    assert _lines(invoice) == [("BOOK", "Z", D("0.00"), D("30.00"), D("0.00"), D("30.00"))]


def test_eu_business_with_a_vat_id_gets_an_intra_community_supply():
    order, invoice = _order("AT", vat_id="ATU13585627", lines=(("SHIRT", 2, "50.00"),), shipping="5.00",
                            prices_include_vat=False)
    assert (order.vat_case, order.customer_vat_id) == ("intra_community", "ATU13585627")
    assert _lines(invoice) == [
        ("SHIRT", "K", D("0.00"), D("100.00"), D("0.00"), D("100.00")),
        ("dhl-paket", "K", D("0.00"), D("5.00"), D("0.00"), D("5.00")),
    ]
    assert invoice.buyer["vat_id"] == "ATU13585627" and invoice.seller["vat_id"]
    assert invoice.notes == ["Steuerfreie innergemeinschaftliche Lieferung gemäß § 4 Nr. 1 Buchst. b i. V. m. "
                             "§ 6a UStG."]


def test_an_ebook_for_an_eu_business_is_reverse_charge_beside_goods():
    _, invoice = _order("NL", vat_id="NL004495445B01", lines=(("SHIRT", 1, "50.00"), ("EBOOK", 1, "10.00")),
                        prices_include_vat=False)
    assert [line[1] for line in _lines(invoice)] == ["K", "AE"]
    assert len(invoice.notes) == 2 and "Steuerschuldnerschaft des Leistungsempfängers" in invoice.notes[1]


def test_a_german_business_in_the_eu_pays_german_vat_but_its_export_is_tax_free():
    order, invoice = _order("AT", vat_id="DE136695976", lines=(("SHIRT", 1, "119.00"),))
    assert order.vat_case == "domestic" and _lines(invoice)[0][1:3] == ("S", D("19.00"))
    order, invoice = _order("CH", vat_id="DE136695976", lines=(("SHIRT", 1, "119.00"),))
    assert order.vat_case == "export" and _lines(invoice)[0][1:3] == ("G", D("0.00"))


def test_export_outside_the_eu_is_tax_free():
    order, invoice = _order("CH", lines=(("SHIRT", 1, "119.00"), ("EBOOK", 1, "10.00")), shipping="9.90")
    assert order.vat_case == "export"
    assert {line[1] for line in _lines(invoice)} == {"G"} and invoice.total_vat == 0
    assert invoice.total_gross == D("138.90")
    assert invoice.notes == ["Steuerfreie Ausfuhrlieferung gemäß § 4 Nr. 1 Buchst. a i. V. m. § 6 UStG."]


def test_only_digital_products_outside_the_eu_are_not_taxable_here():
    order, invoice = _order("US", lines=(("EBOOK", 1, "10.00"),))
    assert order.vat_case == "outside_scope" and _lines(invoice)[0][1] == "O"
    assert "Nicht im Inland steuerbar" in invoice.notes[0]


def test_a_small_business_charges_no_vat_anywhere():
    CompanyProfile.objects.update_or_create(pk=1, defaults={"small_business": True})
    for country in ("DE", "AT", "CH"):
        order, invoice = _order(country, lines=(("SHIRT", 1, "119.00"),))
        assert order.vat_case == "small_business" and invoice.total_vat == 0
        assert _lines(invoice)[0][1:3] == ("E", D("0.00"))
        assert invoice.notes == ["Gemäß § 19 UStG wird keine Umsatzsteuer berechnet."]


def test_the_cancellation_credit_note_keeps_the_case_of_the_invoice():
    order, invoice = _order("AT", vat_id="ATU13585627", lines=(("SHIRT", 1, "80.00"),))
    order_cancel(order=order, actor=TESTER, reason="Kunde storniert")
    note = CreditNote.objects.get(invoice=invoice)
    assert (note.total_gross, note.total_vat) == (D("80.00"), D("0.00"))
    assert [(b["category"], b["rate"]) for b in note.tax_breakdown] == [("K", "0.00")]


@pytest.mark.parametrize("vat_id", ["DE123456789", "ATU1", "XX123", "<script>", "FR" + "1" * 40])
def test_an_invalid_vat_id_is_refused_and_nothing_stored(vat_id):
    with pytest.raises(InvalidInput) as error:
        _order("AT", vat_id=vat_id)
    assert error.value.details == {"field": "customer.vat_id"}
    assert invoice_for_order(order_number="AU-2026-000001") is None


def test_credit_notes_credit_each_oss_country_of_the_invoice_by_its_share():
    # given goods to Austria (20 %) and an e-book billed to France (20 %): two buckets of 20 %
    order, invoice = _order("AT", billing_country="FR", lines=(("SHIRT", 1, "120.00"), ("EBOOK", 1, "60.00")))
    assert sorted((b["country"], b["gross"]) for b in invoice.tax_breakdown) == [("AT", "120.00"), ("FR", "60.00")]
    # when 90 is credited and then the rest is cancelled
    credit_note_issue_partial(invoice=invoice, amount_gross=D("90.00"), reason="Kulanz", actor=TESTER)
    order_cancel(order=order, actor=TESTER, reason="Storno")
    # then each country got back exactly what it was invoiced
    credited: dict = {}
    for note in CreditNote.objects.filter(invoice=invoice):
        for bucket in note.tax_breakdown:
            credited[bucket["country"]] = credited.get(bucket["country"], D(0)) + D(bucket["gross"])
    assert credited == {"AT": D("120.00"), "FR": D("60.00")}
