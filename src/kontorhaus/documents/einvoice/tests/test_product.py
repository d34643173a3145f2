"""The e-invoice inside the product: the Factur-X PDF, the check that refuses, the XRechnung
e-mail attachment and the downloads."""

import io

import pikepdf
import pytest
from django.core import mail
from lxml import etree

from kontorhaus.documents import registry
from kontorhaus.documents.einvoice.build import einvoice_xml
from kontorhaus.documents.einvoice.checks import EInvoiceInvalid, einvoice_check, einvoice_findings
from kontorhaus.documents.einvoice.facturx import FX_NS
from kontorhaus.documents.einvoice.model import Syntax
from kontorhaus.documents.models import Document
from kontorhaus.documents.services import document_render
from kontorhaus.documents.tests.factories import invoice_snapshot
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.notifications.tasks import email_send_task
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

LEITWEG_ID = "04011000-1234512345-06"


@pytest.mark.django_db
def test_pdf_embeds_exactly_the_xml_with_factur_x_metadata(order_invoice):
    # given an issued invoice
    invoice = order_invoice(lines=(("TSHIRT-M", 2, "19.99"), ("BUCH-1", 1, "24.00")))
    # when its PDF is rendered
    pdf = bytes(document_render(kind="invoice", number=invoice.number).pdf)
    # then it holds one embedded file, factur-x.xml, equal to the XML of the snapshot ...
    expected = einvoice_xml(registry.snapshot_for("invoice", invoice.number))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert list(document.attachments) == ["factur-x.xml"]
        assert document.attachments["factur-x.xml"].get_file().read_bytes() == expected
        (spec,) = document.Root.AF
        assert spec.AFRelationship == pikepdf.Name.Alternative
        assert spec.EF.F.Subtype == pikepdf.Name("/text/xml")
        # ... and the XMP keeps PDF/A-3b and names the Factur-X attachment
        meta = dict(document.open_metadata().items())
        xmp = document.Root.Metadata.read_bytes()
    assert meta["{http://www.aiim.org/pdfa/ns/id/}part"] == "3"
    assert meta["{http://www.aiim.org/pdfa/ns/id/}conformance"] == "B"
    assert meta[f"{{{FX_NS}}}DocumentType"] == "INVOICE"
    assert meta[f"{{{FX_NS}}}DocumentFileName"] == "factur-x.xml"
    assert meta[f"{{{FX_NS}}}Version"] == "1.0"
    assert meta[f"{{{FX_NS}}}ConformanceLevel"] == "EN 16931"
    assert xmp.count(b"<pdfaExtension:schemas>") == 1  # one bag: Typst's schemas and ours
    assert b"<pdfaSchema:namespaceURI>" + FX_NS.encode() in xmp


@pytest.mark.django_db
def test_the_check_catches_a_tampered_total(order_invoice):
    # given a valid XML whose grand total is changed by one cent
    invoice = order_invoice()
    xml = einvoice_xml(registry.snapshot_for("invoice", invoice.number))
    total = f"<ram:GrandTotalAmount>{invoice.total_gross}</ram:GrandTotalAmount>".encode()
    assert total in xml
    tampered = xml.replace(total, f"<ram:GrandTotalAmount>{invoice.total_gross + 1}</ram:GrandTotalAmount>".encode())
    # when it is checked, then it is refused with the rules that fail
    assert einvoice_findings(xml) == []
    with pytest.raises(EInvoiceInvalid) as refused:
        einvoice_check(tampered, number=invoice.number)
    assert refused.value.code == "einvoice_invalid"
    assert [f.split(":")[0] for f in refused.value.details["findings"]] == ["BR-CO-15", "BR-CO-16"]


def test_the_check_reads_schema_errors_and_category_rules():
    # given XML that breaks the schema, and a K invoice without the buyer's VAT id
    snapshot = invoice_snapshot()
    xml = einvoice_xml(snapshot)
    broken = xml.replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:Typ>380</ram:Typ>")
    snapshot["lines"][0]["tax_category"] = "K"
    snapshot["tax_buckets"] = [dict(snapshot["tax_buckets"][0], category="K", rate="0.00", tax="0.00",
                                    gross=snapshot["tax_buckets"][0]["net"])]
    snapshot.update(total_tax="0.00", total_gross=snapshot["total_net"])
    # then both are refused with the reason
    assert any(f.startswith("XSD:") for f in einvoice_findings(broken))
    with pytest.raises(EInvoiceInvalid, match="BR-K-02/03"):
        einvoice_xml(snapshot)


@pytest.mark.django_db
def test_an_invalid_invoice_is_not_stored(monkeypatch):
    # given an issued snapshot whose VAT breakdown does not add up to its lines
    snapshot = invoice_snapshot()
    snapshot["tax_buckets"][0]["net"] = "1.00"
    monkeypatch.setitem(registry._sources, "invoice", lambda number: snapshot)
    # when it is rendered, then it is refused and nothing is stored
    with pytest.raises(EInvoiceInvalid):
        document_render(kind="invoice", number=snapshot["number"])
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("einvoice_format", ["xrechnung_cii", "xrechnung_ubl"])
def test_xrechnung_buyer_gets_the_xml_beside_the_pdf(einvoice_format, order_invoice, settings):
    # given a customer who asked for XRechnung, with a Leitweg-ID
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invoice = order_invoice(einvoice_format=einvoice_format, buyer_reference=LEITWEG_ID, payment="invoice")
    email = OutgoingEmail.objects.get(order_number=invoice.order_number)
    # when the confirmation is sent
    email_send_task.call(str(email.public_id))
    # then it carries the PDF and <number>.xml in the asked syntax, with the Leitweg-ID
    (message,) = mail.outbox
    (pdf_name, _, pdf_type), (xml_name, xml, xml_type) = message.attachments
    assert (pdf_name, pdf_type) == (f"{invoice.number}.pdf", "application/pdf")
    assert (xml_name, xml_type) == (f"{invoice.number}.xml", "application/xml")
    root = etree.fromstring(xml)
    assert ("Invoice" if einvoice_format == "xrechnung_ubl" else "CrossIndustryInvoice") in root.tag
    assert LEITWEG_ID.encode() in xml and b"xrechnung_3.0" in xml


@pytest.mark.django_db
def test_the_cancellation_of_an_xrechnung_buyers_order_carries_the_credit_note_xml(order_invoice, settings):
    # given an XRechnung customer's invoiced order
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invoice = order_invoice(einvoice_format="xrechnung_ubl", buyer_reference=LEITWEG_ID, payment="invoice")
    order = SalesOrder.objects.get(number=invoice.order_number)
    # when the order is cancelled and the cancellation e-mail sent
    order_cancel(order=order, actor=TESTER, reason="Kunde storniert")
    email = OutgoingEmail.objects.get(order_number=order.number, template="order_cancelled")
    email_send_task.call(str(email.public_id))
    # then the credit note comes as PDF and as XRechnung (UBL CreditNote) naming the invoice
    (message,) = mail.outbox
    (pdf_name, _, _), (xml_name, xml, _) = message.attachments
    assert pdf_name.startswith("GS-") and xml_name == pdf_name.replace(".pdf", ".xml")
    assert b"CreditNote" in xml and invoice.number.encode() in xml


# An XRechnung that could not be valid (e.g. the seller's phone missing) is refused before the
# invoice is issued: flows/tests/test_einvoice_precheck.py.


@pytest.mark.django_db
@pytest.mark.parametrize("fmt,root", [("", "CrossIndustryInvoice"), ("xrechnung-cii", "CrossIndustryInvoice"),
                                      ("xrechnung-ubl", "Invoice")])
def test_api_download(fmt, root, order_invoice, api_client):
    # given an invoice of a buyer with a Leitweg-ID
    invoice = order_invoice(buyer_reference=LEITWEG_ID)
    # when its XML is downloaded
    response = api_client.get(f"/api/v1/invoices/{invoice.number}/xml" + (f"?format={fmt}" if fmt else ""))
    # then it is the document in the asked syntax
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.xml"'
    assert etree.QName(etree.fromstring(response.content)).localname == root


@pytest.mark.django_db
def test_api_download_errors(order_invoice, api_client, client):
    invoice = order_invoice()
    assert api_client.get(f"/api/v1/invoices/{invoice.number}/xml?format=pdf").json()["code"] == "invalid_input"
    assert api_client.get("/api/v1/credit-notes/GS-2026-999999/xml").status_code == 404
    # XRechnung without a Leitweg-ID: refused with the rule
    refused = api_client.get(f"/api/v1/invoices/{invoice.number}/xml?format=xrechnung-cii")
    assert refused.status_code == 422
    assert refused.json()["code"] == "einvoice_invalid"
    assert client.get(f"/api/v1/invoices/{invoice.number}/xml").status_code == 401


@pytest.mark.django_db
def test_back_office_download_and_links(order_invoice, client, django_user_model):
    # given a logged-in back-office user and an invoice of an XRechnung (UBL) customer
    invoice = order_invoice(einvoice_format="xrechnung_ubl", buyer_reference=LEITWEG_ID)
    assert client.get(f"/invoices/{invoice.number}.xml").status_code == 302  # login first
    client.force_login(django_user_model.objects.create_user("buchhaltung", password="x"))
    # when the order page and the XML are fetched
    page = client.get(f"/orders/{invoice.order_number}/").content.decode()
    response = client.get(f"/invoices/{invoice.number}.xml?format=xrechnung-ubl")
    # then the page links both variants and the XML is UBL
    assert f"/invoices/{invoice.number}.xml?format=xrechnung-ubl" in page
    assert f'href="/invoices/{invoice.number}.xml"' in page
    assert response.status_code == 200
    assert etree.QName(etree.fromstring(response.content)).localname == "Invoice"
    assert client.get("/invoices/RE-2026-999999.xml").status_code == 404
    assert client.get(f"/invoices/{invoice.number}.xml?format=nope").status_code == 400


@pytest.mark.django_db
def test_syntax_values_are_the_download_formats():
    assert [s.value for s in Syntax] == ["cii", "xrechnung-cii", "xrechnung-ubl"]
