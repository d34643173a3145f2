"""Every VAT case, as an order through the real intake, gives e-invoices the official
validator (CEN EN 16931 1.3.15 + KoSIT XRechnung 2.5.0) finds no fatal error in: the Factur-X
PDF, XRechnung CII and XRechnung UBL; invoices and credit notes (full and partial)."""

from decimal import Decimal

import pytest
from lxml import etree

from kontorhaus.billing.services import credit_note_issue_cancellation, credit_note_issue_partial
from kontorhaus.core.models import CompanyProfile
from kontorhaus.documents.einvoice.build import einvoice_xml_for
from kontorhaus.documents.einvoice.cii import RAM
from kontorhaus.documents.einvoice.facturx import facturx_xml
from kontorhaus.documents.einvoice.model import Syntax
from kontorhaus.documents.services import document_render
from kontorhaus.sales.tests.factories import TESTER

from .conftest import fatal

LEITWEG_ID = "04011000-1234512345-06"

SCENARIOS = {
    "domestic 19/7": ({"lines": (("TSHIRT-M", 2, "19.99"), ("BUCH-1", 1, "24.00"))}, "domestic", {"S"}),
    "domestic, on account": ({"lines": (("TSHIRT-M", 3, "19.99"),), "payment": "invoice"}, "domestic", {"S"}),
    "domestic, paid by card": ({"payment": "card", "paid": True}, "domestic", {"S"}),
    "domestic, PayPal": ({"payment": "paypal", "paid": True}, "domestic", {"S"}),
    "K: EU business with VAT id": ({"country": "AT", "vat_id": "ATU13585627", "company": "Muster GmbH"},
                                   "intra_community", {"K"}),
    "G: export to CH": ({"country": "CH"}, "export", {"G"}),
    "G: export to US, goods and digital": ({"country": "US", "lines": (("TSHIRT-M", 1, "19.99"),
                                                                     ("LIZENZ-1", 1, "49.00"))}, "export", {"G"}),
    "O: digital only to US": ({"country": "US", "lines": (("LIZENZ-1", 1, "49.00"),), "shipping": ""},
                              "outside_scope", {"O"}),
    "OSS: AT 20 %": ({"country": "AT"}, "oss", {"S"}),
    "OSS: FR e-book 5.5 %": ({"country": "FR", "lines": (("EBOOK-1", 3, "9.99"),), "shipping": ""}, "oss", {"S"}),
    "OSS: CY 19 % and DE 19 % merge": ({"country": "DE", "ship_to": "CY",
                                        "lines": (("TSHIRT-M", 1, "19.99"), ("LIZENZ-1", 1, "49.00"))},
                                       "oss", {"S"}),
    "AE: digital to EU business": ({"country": "FR", "vat_id": "FR40303265045", "company": "Exemple SARL",
                                    "lines": (("LIZENZ-1", 2, "49.00"),), "shipping": ""},
                                   "reverse_charge", {"AE"}),
}


def _validate_all(official_validator, kind: str, number: str) -> dict[str, list[str]]:
    pdf = bytes(document_render(kind=kind, number=number).pdf)
    results = {"factur-x pdf": fatal(official_validator(pdf, suffix=".pdf"))}
    for syntax in (Syntax.XRECHNUNG_CII, Syntax.XRECHNUNG_UBL):
        xml = einvoice_xml_for(kind=kind, number=number, syntax=syntax).content
        results[syntax.value] = fatal(official_validator(xml, xrechnung=True))
    return results


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_invoice_of_every_vat_case_is_valid(name, order_invoice, official_validator):
    # given an order of this VAT case, placed through the intake, by a buyer with a Leitweg-ID
    order, vat_case, categories = SCENARIOS[name]
    invoice = order_invoice(buyer_reference=LEITWEG_ID, **order)
    assert invoice.vat_case == vat_case
    assert {line.tax_category for line in invoice.lines.all()} == categories
    # when its Factur-X PDF and both XRechnung variants are validated
    results = _validate_all(official_validator, "invoice", invoice.number)
    # then no rule fails
    assert results == {"factur-x pdf": [], "xrechnung-cii": [], "xrechnung-ubl": []}


@pytest.mark.django_db
def test_small_business_invoice_is_exempt_and_valid(company, order_invoice, official_validator):
    # given a small business (§ 19 UStG)
    CompanyProfile.objects.filter(pk=company.pk).update(small_business=True)
    invoice = order_invoice(buyer_reference=LEITWEG_ID)
    assert {line.tax_category for line in invoice.lines.all()} == {"E"}
    # when validated, then nothing fails
    assert _validate_all(official_validator, "invoice", invoice.number) == {
        "factur-x pdf": [], "xrechnung-cii": [], "xrechnung-ubl": []}


@pytest.mark.django_db
def test_oss_buckets_of_equal_rate_merge_into_one_breakdown(order_invoice):
    # given an order with a CY 19 % bucket and a DE 19 % bucket
    invoice = order_invoice(country="DE", ship_to="CY", lines=(("TSHIRT-M", 1, "19.99"), ("LIZENZ-1", 1, "49.00")))
    assert sorted(b["country"] for b in invoice.tax_breakdown) == ["CY", "DE"]
    # when the XML is built
    xml = einvoice_xml_for(kind="invoice", number=invoice.number, syntax=Syntax.CII).content
    # then it has one VAT breakdown S 19 with both buckets' sums
    groups = etree.fromstring(xml).findall(f".//{{{RAM}}}ApplicableHeaderTradeSettlement/{{{RAM}}}ApplicableTradeTax")
    assert len(groups) == 1
    assert groups[0].findtext(f"{{{RAM}}}BasisAmount") == str(invoice.total_net)
    assert groups[0].findtext(f"{{{RAM}}}CalculatedAmount") == str(invoice.total_vat)


@pytest.mark.django_db
@pytest.mark.parametrize("partial", [False, True], ids=["full", "partial"])
def test_credit_notes_are_valid_and_name_their_invoice(partial, order_invoice, official_validator):
    # given an invoice with two VAT rates, credited in full or in part
    invoice = order_invoice(buyer_reference=LEITWEG_ID, lines=(("TSHIRT-M", 2, "19.99"), ("BUCH-1", 1, "24.00")))
    if partial:
        note = credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("10.01"), reason="Kulanz",
                                         actor=TESTER)
    else:
        note = credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    # when validated
    results = _validate_all(official_validator, "credit_note", note.number)
    # then nothing fails, and the XML is a 381 referring to the invoice (BT-25)
    assert results == {"factur-x pdf": [], "xrechnung-cii": [], "xrechnung-ubl": []}
    root = etree.fromstring(facturx_xml(bytes(document_render(kind="credit_note", number=note.number).pdf)))
    assert root.findtext(f".//{{{RAM}}}TypeCode") == "381"
    assert root.findtext(f".//{{{RAM}}}InvoiceReferencedDocument/{{{RAM}}}IssuerAssignedID") == invoice.number
