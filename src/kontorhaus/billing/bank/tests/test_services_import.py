"""The bank statement import flow: what it books, what it parks, and that it books nothing twice."""

from decimal import Decimal

import pytest

from kontorhaus.billing.models import BankStatement, BankTransaction, Payment
from kontorhaus.core.audit import Actor
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.bank_statement_import import bank_statement_import
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article

from .factories import IBAN, open_invoice, statement, tx

pytestmark = pytest.mark.django_db
CLERK = Actor("user", "clerk")


@pytest.fixture
def invoices():
    make_article(sku="TSHIRT-M")
    return [open_invoice() for _ in range(5)]


def state(invoice) -> str:
    return SalesOrder.objects.get(number=invoice.order_number).payment_state


def test_import_books_confident_lines_and_parks_the_rest(invoices):
    # given five open invoices over 44.88 and a statement with every kind of line
    a, b, c, d, e = invoices
    emails_before = OutgoingEmail.objects.count()
    parsed = statement(
        tx(f"Rechnung {a.number}"),                                    # exact -> paid
        tx(f"{b.order_number}", "20.00"),                              # order number, partial
        tx(f"{c.number.lower().replace('-', ' ')}", "50.00"),          # overpaid
        tx(f"{d.number} {e.number}", "89.76"),                         # two invoices in one transfer
        tx("Erstattung", "12.00", credit=False),                       # outgoing
        tx("RE-2026-999999 Danke", "44.88", name="Unbekannt"),         # unknown reference
        tx(f"{a.number}", "44.88", currency="USD"),                    # wrong currency
    )
    # when it is imported
    result = bank_statement_import(statements=[parsed], file_sha256="f" * 64, actor=CLERK)
    # then exactly the confident lines are booked, each once, and the orders follow
    outcome = result.statements[0]
    assert [line.status for line in outcome.lines] == [
        "booked", "booked", "booked", "booked", "ignored", "review", "review"]
    assert outcome.lines[3].invoices == (d.number, e.number)
    payments = {p.invoice.number: p.amount for p in Payment.objects.filter(source="bank").select_related("invoice")}
    assert payments == {a.number: Decimal("44.88"), b.number: Decimal("20.00"), c.number: Decimal("50.00"),
                        d.number: Decimal("44.88"), e.number: Decimal("44.88")}
    assert [state(i) for i in invoices] == ["paid", "partially_paid", "overpaid", "paid", "paid"]
    # and everything is stored, with the reasons for what waits
    stored = BankStatement.objects.get()
    assert (stored.lines_total, stored.lines_booked, stored.lines_review, stored.lines_ignored) == (7, 4, 2, 1)
    review = BankTransaction.objects.filter(status="review").order_by("id")
    assert [t.reason for t in review][1] == f"amount in USD, invoice {a.number} is in EUR"
    assert BankTransaction.objects.get(credit=False).reason == "outgoing payment"
    assert AuditEvent.objects.filter(action="billing.bank_transaction.booked").count() == 5
    assert AuditEvent.objects.filter(action="billing.bank_statement.imported").count() == 1
    # and the customers get no e-mail from any of it
    assert OutgoingEmail.objects.count() == emails_before


def test_importing_the_same_statement_again_books_nothing_and_reports_duplicates(invoices):
    # given a statement imported once
    parsed = statement(tx(invoices[0].number, key="K1"), tx("no reference", "1.00", key="K2"))
    bank_statement_import(statements=[parsed], file_sha256="a" * 64, actor=CLERK)
    # when it is imported again, and an overlapping statement with one new line as well
    again = bank_statement_import(statements=[parsed], file_sha256="a" * 64, actor=CLERK)
    overlap = statement(tx(invoices[0].number, key="K1"), tx(invoices[1].number, key="K3"), statement_id="NEXT")
    later = bank_statement_import(statements=[overlap], file_sha256="b" * 64, actor=CLERK)
    # then nothing is booked twice and the known lines are reported as duplicates
    assert [line.status for line in again.statements[0].lines] == ["duplicate", "duplicate"]
    assert [line.status for line in later.statements[0].lines] == ["duplicate", "booked"]
    assert Payment.objects.filter(source="bank").count() == 2
    assert BankTransaction.objects.count() == 3
    assert BankStatement.objects.count() == 2
    assert state(invoices[0]) == "paid"


def test_dry_run_matches_but_stores_nothing(invoices):
    parsed = statement(tx(invoices[0].number))
    result = bank_statement_import(statements=[parsed], file_sha256="c" * 64, actor=CLERK, dry_run=True)
    assert result.dry_run and result.statements[0].lines[0].status == "booked"
    assert (Payment.objects.count(), BankStatement.objects.count(), BankTransaction.objects.count()) == (0, 0, 0)
    assert state(invoices[0]) == "unpaid"


def test_two_lines_for_one_invoice_in_one_statement_do_not_both_settle_it(invoices):
    parsed = statement(tx(invoices[0].number), tx(invoices[0].number))
    result = bank_statement_import(statements=[parsed], file_sha256="d" * 64, actor=CLERK)
    assert [line.status for line in result.statements[0].lines] == ["booked", "review"]
    assert Payment.objects.filter(source="bank").count() == 1


def test_payment_carries_the_bank_idempotency_key(invoices):
    bank_statement_import(statements=[statement(tx(invoices[0].number, key="REF-1"))], file_sha256="e" * 64,
                          actor=CLERK)
    payment = Payment.objects.get(source="bank")
    assert payment.external_id == f"bank:{IBAN}:REF-1:{invoices[0].number}"
    assert payment.bank_booking.transaction.entry_key == "REF-1"
