"""Bank pages: upload a statement, see the imported ones, decide the lines that wait."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kontorhaus.billing.bank.tests.factories import statement, tx
from kontorhaus.billing.models import BankStatement, BankTransaction, Payment
from kontorhaus.core.audit import Actor
from kontorhaus.flows.bank_statement_import import bank_statement_import
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article, place_order

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm></GrpHdr>
<Stmt><Id>WEB-1</Id><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><NtryRef>W-1</NtryRef><Amt Ccy="EUR">44.88</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-27</Dt></BookgDt><AcctSvcrRef>W-1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Erika Mustermann</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{reference}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


@pytest.fixture
def invoice(db):
    make_article(sku="TSHIRT-M")
    return place_order().invoice


def test_pages_need_a_login(client):
    for name in ("web:bank_statement_list", "web:bank_review_list"):
        assert client.get(reverse(name)).status_code == 302


def test_upload_books_the_statement_and_lists_it(client_in, invoice, django_assert_max_num_queries):
    # when a clerk uploads a camt.053 naming the invoice
    upload = SimpleUploadedFile("konto.xml", CAMT.format(reference=invoice.number).encode())
    response = client_in.post(reverse("web:bank_statement_list"), {"file": upload}, follow=True)
    # then the payment is booked and the page lists the statement with its counts
    assert response.status_code == 200
    assert b"1 lines, 1 booked, 0 to review" in response.content
    assert b"WEB-1" in response.content
    assert SalesOrder.objects.get(number=invoice.order_number).payment_state == "paid"
    with django_assert_max_num_queries(6):
        assert client_in.get(reverse("web:bank_statement_list")).status_code == 200


def test_a_malformed_upload_shows_the_error_and_changes_nothing(client_in, invoice):
    upload = SimpleUploadedFile("kaputt.xml", CAMT.format(reference=invoice.number).encode()[:200])
    response = client_in.post(reverse("web:bank_statement_list"), {"file": upload})
    assert response.status_code == 422
    assert b"kaputt.xml" in response.content
    assert (BankStatement.objects.count(), Payment.objects.count()) == (0, 0)


def _parked(invoice) -> BankTransaction:
    bank_statement_import(statements=[statement(tx("Zahlung", "44.88", name="Unbekannt"))], file_sha256="1" * 64,
                          actor=Actor("test", "pytest"))
    return BankTransaction.objects.get(status="review")


def test_review_list_shows_suggestions_and_books_one(client_in, invoice, django_assert_max_num_queries):
    # given a line without a reference over the invoice's amount
    line = _parked(invoice)
    # when the review list is shown
    with django_assert_max_num_queries(6):
        page = client_in.get(reverse("web:bank_review_list"))
    # then it offers the invoice, and booking it pays the order
    assert f"Book to {invoice.number}".encode() in page.content
    response = client_in.post(reverse("web:bank_transaction_assign", args=[line.pk]), {"invoices": invoice.number},
                              follow=True)
    assert b"Booked 44.88 EUR to" in response.content
    assert Payment.objects.get(source="bank").amount == Decimal("44.88")
    assert SalesOrder.objects.get(number=invoice.order_number).payment_state == "paid"
    assert b"Nothing to review" in response.content


def test_booking_to_an_unknown_invoice_shows_the_error(client_in, invoice):
    line = _parked(invoice)
    response = client_in.post(reverse("web:bank_transaction_assign", args=[line.pk]), {"invoices": "RE-2026-999999"},
                              follow=True)
    assert b"invoice RE-2026-999999 not found" in response.content
    assert Payment.objects.count() == 0


def test_a_line_is_ignored_from_the_review_list(client_in, invoice):
    line = _parked(invoice)
    client_in.post(reverse("web:bank_transaction_ignore", args=[line.pk]), {"reason": "Privat"})
    line.refresh_from_db()
    assert (line.status, line.reason) == ("ignored", "Privat")
