from decimal import Decimal

import pytest

from kontorhaus.billing.models import Invoice
from kontorhaus.billing.selectors import invoice_for_order, order_payment_totals
from kontorhaus.billing.services import PaymentData, credit_note_issue_cancellation, payment_record
from kontorhaus.core import clock
from kontorhaus.core.exceptions import DocumentImmutable, InvalidInput
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db
YEAR = clock.today().year


@pytest.fixture
def invoice():
    make_article(stock=10)
    order = place_order().order
    return invoice_for_order(order_number=order.number)


def test_an_issued_invoice_cannot_be_changed_or_deleted(invoice):
    invoice.total_gross = Decimal("1.00")
    with pytest.raises(DocumentImmutable):
        invoice.save()
    with pytest.raises(DocumentImmutable):
        invoice.delete()
    with pytest.raises(DocumentImmutable):
        invoice.lines.first().delete()
    assert Invoice.objects.get(pk=invoice.pk).total_gross == Decimal("44.88")


def test_cancellation_credit_note_mirrors_the_invoice_once(invoice):
    note = credit_note_issue_cancellation(invoice=invoice, reason="Kunde storniert", actor=TESTER)
    assert note.number == f"GS-{YEAR}-000001"
    assert note.total_gross == invoice.total_gross
    assert len(note.lines) == len(invoice.lines.all())
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"
    # again: the same credit note, no second number
    assert credit_note_issue_cancellation(invoice=invoice, reason="again", actor=TESTER).pk == note.pk


def test_a_payment_with_the_same_external_id_is_booked_once(invoice):
    data = PaymentData(order_number=invoice.order_number, amount=Decimal("44.88"), currency="EUR",
                       method="paypal", source="psp", external_id="CAPTURE-1")
    first = payment_record(data=data, invoice=invoice, actor=TESTER)
    second = payment_record(data=data, invoice=invoice, actor=TESTER)
    assert first.pk == second.pk
    assert order_payment_totals(order_number=invoice.order_number) == (Decimal("44.88"), Decimal("0.00"))


def test_a_payment_in_another_currency_or_of_zero_is_refused(invoice):
    with pytest.raises(InvalidInput):
        payment_record(data=PaymentData(order_number=invoice.order_number, amount=Decimal("1"), currency="USD",
                                        method="card", source="api"), invoice=invoice, actor=TESTER)
    with pytest.raises(InvalidInput):
        payment_record(data=PaymentData(order_number=invoice.order_number, amount=Decimal("0"), currency="EUR",
                                        method="card", source="api"), invoice=invoice, actor=TESTER)
