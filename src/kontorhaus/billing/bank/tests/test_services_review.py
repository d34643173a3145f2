"""The review list's decisions: book a line by hand to chosen invoices, or ignore it."""

from decimal import Decimal

import pytest

from kontorhaus.billing.bank.services import bank_transaction_ignore
from kontorhaus.billing.models import BankTransaction, Payment
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, InvalidInput
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.bank_statement_import import bank_statement_import, bank_transaction_assign
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article

from .factories import open_invoice, statement, tx

pytestmark = pytest.mark.django_db
CLERK = Actor("user", "clerk")


@pytest.fixture
def invoices():
    make_article(sku="TSHIRT-M")
    return [open_invoice() for _ in range(2)]


def parked(remittance: str = "Zahlung", amount: str = "44.88") -> BankTransaction:
    bank_statement_import(statements=[statement(tx(remittance, amount, name="Unbekannt"))], file_sha256="0" * 64,
                          actor=CLERK)
    return BankTransaction.objects.get(status="review")


def test_a_parked_line_is_booked_by_hand_to_two_invoices(invoices):
    # given a line of 60.00 without a reference, waiting for review
    line = parked(amount="60.00")
    # when a clerk books it to both invoices
    bank_transaction_assign(transaction=line, invoices=invoices, actor=CLERK)
    # then the first gets its due, the second the rest, and the orders follow
    line.refresh_from_db()
    assert (line.status, line.decided_by) == ("booked", "user:clerk")
    amounts = [p.amount for p in Payment.objects.filter(source="bank").order_by("id")]
    assert amounts == [Decimal("44.88"), Decimal("15.12")]
    states = [SalesOrder.objects.get(number=i.order_number).payment_state for i in invoices]
    assert states == ["paid", "partially_paid"]
    assert line.payments.count() == 2
    assert AuditEvent.objects.filter(action="billing.bank_transaction.assigned").count() == 2


def test_a_booked_line_cannot_be_booked_again(invoices):
    line = parked()
    bank_transaction_assign(transaction=line, invoices=invoices[:1], actor=CLERK)
    with pytest.raises(DomainError, match="booked, not waiting for review"):
        bank_transaction_assign(transaction=line, invoices=invoices[1:], actor=CLERK)
    assert Payment.objects.count() == 1


def test_an_amount_that_does_not_reach_every_invoice_is_refused(invoices):
    line = parked(amount="10.00")
    with pytest.raises(InvalidInput, match="does not reach every chosen invoice"):
        bank_transaction_assign(transaction=line, invoices=invoices, actor=CLERK)
    assert Payment.objects.count() == 0
    line.refresh_from_db()
    assert line.status == "review"


def test_a_line_is_ignored_with_a_reason(invoices):
    line = parked()
    bank_transaction_ignore(transaction=line, reason="private transfer", actor=CLERK)
    line.refresh_from_db()
    assert (line.status, line.reason) == ("ignored", "private transfer")
    assert AuditEvent.objects.filter(action="billing.bank_transaction.ignored").count() == 1
    with pytest.raises(DomainError):
        bank_transaction_ignore(transaction=line, reason="again", actor=CLERK)
