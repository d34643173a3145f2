"""Amount due, one rule everywhere: invoice total − credit notes − (payments − refunds) of the
order. The reviewer's three cases end with nothing due, and nothing lists, matches, reminds or
books them again: the bank's open invoices, the dunning run, a bank line naming the invoice, a
card payment for the order. Orders on account of 2 x 19.99 + 4.90 shipping = 44.88."""

import datetime as dt
from decimal import Decimal

import pytest

from kontorhaus.billing.bank.selectors import open_invoice_list
from kontorhaus.billing.bank.tests.factories import statement, tx
from kontorhaus.billing.dunning.selectors import dunning_due_list, invoice_amount_open
from kontorhaus.billing.dunning.tests.factories import pay, place
from kontorhaus.billing.models import Invoice, Payment
from kontorhaus.billing.selectors import Balance, invoice_open_list, order_balance
from kontorhaus.core import clock
from kontorhaus.flows.bank_statement_import import bank_statement_import
from kontorhaus.flows.order_balance import order_balance_get
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.psp_payment import PspPayment, psp_payment_received
from kontorhaus.flows.refund import refund_overpayment, refund_request
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db

LONG_AFTER_DUE = dt.date(2027, 3, 1)  # every reminder level's day has come


@pytest.fixture(autouse=True)
def _clock():
    make_article(stock=10)
    yield
    clock.unfreeze()


def _last_payment(order: SalesOrder) -> Payment:
    return Payment.objects.filter(order_number=order.number, amount__gt=0).latest("id")


def partially_refunded_with_credit_note() -> tuple[SalesOrder, Invoice]:
    """Paid 44.88, then 10.00 refunded by hand against a partial credit note."""
    placed = place(payment_method="invoice")
    pay(placed.order, "44.88")
    refund_request(order=placed.order, payment=_last_payment(placed.order), amount=Decimal("10.00"),
                   reason="Kulanz", with_credit_note=True, actor=TESTER)
    return placed.order, placed.invoice


def overpayment_refunded() -> tuple[SalesOrder, Invoice]:
    """50.00 paid on 44.88, the 5.12 refunded."""
    placed = place(payment_method="invoice")
    pay(placed.order, "50.00")
    refund_overpayment(order=placed.order, payment=_last_payment(placed.order), actor=TESTER)
    return placed.order, placed.invoice


def cancelled_and_refunded() -> tuple[SalesOrder, Invoice]:
    """Paid 44.88, cancelled (cancellation credit note), the 44.88 refunded."""
    placed = place(payment_method="invoice")
    pay(placed.order, "44.88")
    order_cancel(order=placed.order, actor=TESTER, reason="Kunde storniert")
    refund_request(order=placed.order, payment=_last_payment(placed.order), amount=Decimal("44.88"),
                   reason="Storno", with_credit_note=True, actor=TESTER)
    return placed.order, placed.invoice


CASES = {
    "partial refund with credit note": (partially_refunded_with_credit_note,
                                        Balance(Decimal("44.88"), Decimal("10.00"), Decimal("44.88"), Decimal("10.00")),
                                        "partially_refunded"),
    "refunded overpayment": (overpayment_refunded,
                             Balance(Decimal("44.88"), Decimal("0.00"), Decimal("50.00"), Decimal("5.12")),
                             "partially_refunded"),
    "cancelled and refunded": (cancelled_and_refunded,
                               Balance(Decimal("44.88"), Decimal("44.88"), Decimal("44.88"), Decimal("44.88")),
                               "refunded"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_reviewers_cases_leave_nothing_due(case):
    make, balance, state = CASES[case]
    # given the case
    order, invoice = make()
    # then its balance adds up to nothing due, by every reader
    assert order_balance_get(order=order) == balance
    assert (balance.due, invoice_amount_open(invoice=invoice)) == (Decimal("0.00"), Decimal("0.00"))
    saved = SalesOrder.objects.get(pk=order.pk)
    assert (saved.payment_state, saved.balance_due) == (state, Decimal("0.00"))
    # and the invoice is not open for the bank, nor due for a reminder
    assert invoice.number not in {i.number for i in open_invoice_list()}
    assert invoice.number not in {n.invoice.number for n in dunning_due_list(on=LONG_AFTER_DUE)}


@pytest.mark.parametrize("case", CASES)
def test_a_bank_line_or_card_payment_for_the_settled_invoice_is_not_booked(case):
    # given the case
    order, invoice = CASES[case][0]()
    payments = Payment.objects.count()
    # when a bank line names the invoice with the amount credited, and a card payment names the order
    result = bank_statement_import(statements=[statement(tx(invoice.number, "10.00"))], file_sha256="sha-x",
                                   actor=TESTER)
    outcome = psp_payment_received(payment=PspPayment(provider="stripe", payment_id="pi_late", reference=order.number,
                                                      amount=Decimal("10.00"), currency="EUR", method="card"),
                                   actor=TESTER)
    # then neither is booked: the line waits for review, the card payment is parked
    assert [line.status for line in result.statements[0].lines] == ["review"]
    assert outcome.status == "parked"
    assert Payment.objects.count() == payments


def test_a_partly_credited_unpaid_invoice_is_open_for_the_rest_everywhere():
    # given an unpaid invoice of 44.88, paid 20.00, then 10.00 of it refunded against a credit note
    placed = place(payment_method="invoice")
    pay(placed.order, "20.00")
    refund_request(order=placed.order, payment=_last_payment(placed.order), amount=Decimal("10.00"),
                   reason="Kulanz", with_credit_note=True, actor=TESTER)
    # then 44.88 - 10.00 - (20.00 - 10.00) = 24.88 is due, by the selector and in SQL alike
    assert order_balance_get(order=placed.order).due == Decimal("24.88")
    assert SalesOrder.objects.get(pk=placed.order.pk).balance_due == Decimal("24.88")
    (listed,) = open_invoice_list()
    assert (listed.number, listed.due) == (placed.invoice.number, Decimal("24.88"))
    (notice,) = dunning_due_list(on=LONG_AFTER_DUE)
    assert notice.amount_due == Decimal("24.88")


def test_an_order_without_invoice_owes_the_total_the_caller_passes():
    # given no invoice for the order number
    balance = order_balance(order_number="AU-2026-999999", order_total=Decimal("44.88"))
    # then the total is owed and due
    assert (balance.owed, balance.due) == (Decimal("44.88"), Decimal("44.88"))


def test_open_invoices_are_read_in_one_query(django_assert_num_queries):
    for amount in ("10.00", "44.88", "0"):
        placed = place(payment_method="invoice")
        if amount != "0":
            pay(placed.order, amount)
    with django_assert_num_queries(1):
        dues = sorted(i.due for i in invoice_open_list())
    assert dues == [Decimal("34.88"), Decimal("44.88")]
