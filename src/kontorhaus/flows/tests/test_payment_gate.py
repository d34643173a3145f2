"""A refund does not take an order back to "not paid": the release gate and digital delivery
read what is due (`balance_due`), and a settled order stays settled after a partial refund.
Prepayment orders of 2 x 19.99 + 4.90 shipping = 44.88, paid by hand."""

from decimal import Decimal

import pytest

from kontorhaus.billing.models import Payment
from kontorhaus.catalog.models import Article
from kontorhaus.flows.digital_delivery import digital_delivery_if_paid
from kontorhaus.flows.refund import refund_overpayment, refund_request
from kontorhaus.fulfillment.models import DigitalDelivery
from kontorhaus.fulfillment.services import licence_keys_add
from kontorhaus.fulfillment.tests.factories import delivery_emails, make_ebook, pay
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db


def _refund(order: SalesOrder, amount: str, *, with_credit_note: bool = True) -> None:
    payment = Payment.objects.filter(order_number=order.number, amount__gt=0).latest("id")
    refund_request(order=order, payment=payment, amount=Decimal(amount), reason="Kulanz",
                   with_credit_note=with_credit_note, actor=TESTER)


def _saved(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.get(pk=order.pk)


def test_a_released_order_stays_ready_after_a_partial_refund_with_credit_note():
    # given a prepayment order paid in full and released to the warehouse
    make_article(stock=5)
    order = place_order().order
    pay(order, "44.88")
    assert _saved(order).readiness == "ready"
    # when 10.00 of it is refunded against a credit note
    _refund(order, "10.00")
    # then it is partially refunded, nothing is due, and it stays ready and released
    order = _saved(order)
    assert (order.payment_state, order.balance_due) == ("partially_refunded", Decimal("0.00"))
    assert (order.readiness, order.fulfillment_state) == ("ready", "released")


def test_an_overpaid_order_whose_overpayment_is_refunded_stays_ready():
    # given 50.00 paid on 44.88 (released)
    make_article(stock=5)
    order = place_order().order
    pay(order, "50.00")
    # when the 5.12 is refunded
    refund_overpayment(order=order, payment=Payment.objects.get(order_number=order.number), actor=TESTER)
    # then it is partially refunded and ready, not awaiting payment
    order = _saved(order)
    assert (order.payment_state, order.balance_due, order.readiness) == ("partially_refunded", Decimal("0.00"),
                                                                           "ready")


def test_a_paid_order_waiting_for_stock_keeps_waiting_for_stock_only_after_a_refund():
    # given a paid order whose T-shirts are not in stock
    make_article(stock=0)
    order = place_order().order
    pay(order, "44.88")
    assert _saved(order).readiness == "awaiting_stock"
    # when the 4.90 shipping is refunded against a credit note
    _refund(order, "4.90")
    # then it waits for the stock, not for money: it is released when the stock comes
    order = _saved(order)
    assert (order.payment_state, order.balance_due) == ("partially_refunded", Decimal("0.00"))
    assert order.readiness == "awaiting_stock"


def test_an_extra_payment_refunded_from_a_second_payment_leaves_the_order_ready():
    # given a paid, released order, and 10.00 paid a second time by mistake
    make_article(stock=5)
    order = place_order().order
    pay(order, "44.88")
    pay(order, "10.00")
    assert _saved(order).payment_state == "overpaid"
    # when the 10.00 is refunded from the second payment
    refund_overpayment(order=order, payment=Payment.objects.filter(order_number=order.number).latest("id"),
                       actor=TESTER)
    # then nothing is due, and the order is partially refunded and ready
    order = _saved(order)
    assert (order.payment_state, order.balance_due, order.readiness) == ("partially_refunded", Decimal("0.00"),
                                                                           "ready")


def test_digital_goods_parked_before_a_partial_refund_are_delivered_after_it():
    # given a paid order of an e-book (one key needed, none left) and a T-shirt: the download is parked
    make_ebook(keys=0)
    licence_keys_add(article=Article.objects.get(sku="EBOOK-1"), keys=["OLD-1"], actor=TESTER)
    make_article(stock=5)
    first = place_order(lines=[("EBOOK-1", 1, "9.99")], paid=True, shipping_price="").order  # takes OLD-1
    order = place_order(lines=[("EBOOK-1", 1, "9.99"), ("TSHIRT-M", 1, "19.99")]).order
    pay(order, str(order.total_gross))
    assert DigitalDelivery.objects.get(order_number=order.number).status == "parked"
    assert first.number != order.number
    # when the shipping is refunded against a credit note, then keys arrive and the delivery runs again
    _refund(order, "4.90")
    licence_keys_add(article=Article.objects.get(sku="EBOOK-1"), keys=["NEW-1"], actor=TESTER)
    digital_delivery_if_paid(order=_saved(order), actor=TESTER)
    # then the e-book is delivered: the partial refund did not make the order unpaid
    assert _saved(order).payment_state == "partially_refunded"
    assert DigitalDelivery.objects.get(order_number=order.number).status == "delivered"
    assert len(delivery_emails(order)) == 1
