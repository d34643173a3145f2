"""The PSP payment flow on its own: which order a payment names, and when it waits for a person."""

from decimal import Decimal

import pytest

from kontorhaus.billing.models import Payment
from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.flows.order_balance import order_balance_get
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.flows.psp_payment import PspPayment, psp_payment_received
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed():
    make_article(sku="TSHIRT-M")
    return place_order()  # 44.88 EUR with its invoice


def card(reference: str, amount: str = "44.88", *, payment_id: str = "pi_1", currency: str = "EUR") -> PspPayment:
    return PspPayment(provider="stripe", payment_id=payment_id, reference=reference, amount=Decimal(amount),
                      currency=currency, method="card")


@pytest.mark.parametrize("reference", ["{order}", "{invoice}", " {order_lower} "])
def test_the_order_or_its_invoice_number_names_the_order(placed, reference):
    text = reference.format(order=placed.order.number, invoice=placed.invoice.number,
                            order_lower=placed.order.number.lower())
    outcome = psp_payment_received(payment=card(text), actor=TESTER)
    assert (outcome.status, outcome.order_number) == ("processed", placed.order.number)
    assert outcome.payment.external_id == "stripe:pi_1"


def test_the_same_payment_twice_books_once(placed):
    first = psp_payment_received(payment=card(placed.order.number), actor=TESTER)
    second = psp_payment_received(payment=card(placed.order.number), actor=TESTER)
    assert second.status == "processed"
    assert first.payment == second.payment
    assert Payment.objects.count() == 1


def test_a_card_payment_for_an_order_the_bank_already_settled_is_parked(placed):
    # given the bank transfer for the invoice was booked
    bank = PaymentData(order_number=placed.order.number, amount=Decimal("44.88"), currency="EUR",
                       method="prepayment", source=PaymentSource.BANK, external_id="bank:DE02:E1:RE")
    payment_received(order=placed.order, data=bank, actor=TESTER)
    # when the card payment arrives as well
    outcome = psp_payment_received(payment=card(placed.order.number), actor=TESTER)
    # then it is parked for a person (a refund, most likely), not booked as an overpayment
    assert outcome.status == "parked"
    assert f"order {placed.order.number} was paid in the meantime by bank (44.88 EUR, bank:DE02:E1:RE)" \
        in outcome.reason
    assert Payment.objects.count() == 1
    assert SalesOrder.objects.get(pk=placed.order.pk).payment_state == "paid"
    assert order_balance_get(order=placed.order).due == Decimal("0.00")


def test_a_second_card_payment_after_a_partial_one_is_booked(placed):
    psp_payment_received(payment=card(placed.order.number, "20.00", payment_id="pi_a"), actor=TESTER)
    outcome = psp_payment_received(payment=card(placed.order.number, "24.88", payment_id="pi_b"), actor=TESTER)
    assert outcome.status == "processed"
    assert SalesOrder.objects.get(pk=placed.order.pk).payment_state == "paid"


def test_a_payment_for_a_cancelled_order_is_parked(placed):
    order_cancel(order=placed.order, actor=TESTER, reason="Kunde storniert")
    outcome = psp_payment_received(payment=card(placed.order.number), actor=TESTER)
    assert outcome.status == "parked"
    assert outcome.reason == f"order {placed.order.number} is cancelled: refund the 44.88 EUR"
    assert Payment.objects.count() == 0


def test_a_payment_in_another_currency_is_parked(placed):
    outcome = psp_payment_received(payment=card(placed.order.number, currency="CHF"), actor=TESTER)
    assert (outcome.status, outcome.reason) == ("parked", f"paid 44.88 CHF, but order {placed.order.number} is in EUR")
