"""The release gate ("traffic light"): derived on every payment and at intake, never set."""

from decimal import Decimal

import pytest

from kontorhaus.billing.services import PaymentData
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import AuditEvent
from kontorhaus.customers.services import customer_credit_limit_set
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.order_intake import order_intake
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.progress import derive_readiness
from kontorhaus.sales.states import Readiness

from .factories import TESTER, make_article, make_intake

ADDRESS = {"name": "Erika", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"}


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, Readiness.READY),
    ({"balance_due": Decimal("44.88")}, Readiness.AWAITING_PAYMENT),
    ({"balance_due": Decimal("0.01")}, Readiness.AWAITING_PAYMENT),
    ({"balance_due": Decimal("44.88"), "ship_before_payment": True}, Readiness.READY),
    ({"balance_due": Decimal("-5.12")}, Readiness.READY),  # overpaid: the customer's credit
    ({"reserved_by_line": [(2, 1)]}, Readiness.AWAITING_STOCK),
    ({"reserved_by_line": []}, Readiness.NOTHING_TO_SHIP),
    ({"shipping_address": {**ADDRESS, "street": " "}}, Readiness.ADDRESS_INCOMPLETE),
    ({"shipping_address": {**ADDRESS, "street": ""}, "balance_due": Decimal("44.88")}, Readiness.ADDRESS_INCOMPLETE),
    ({"balance_due": Decimal("44.88"), "reserved_by_line": [(2, 0)]}, Readiness.AWAITING_PAYMENT),
    ({"status": "cancelled"}, Readiness.CANCELLED),
])
def test_readiness_names_the_first_missing_condition(kwargs, expected):
    arguments = {"status": "open", "balance_due": Decimal("0.00"), "ship_before_payment": False,
                 "reserved_by_line": [(2, 2)], "shipping_address": ADDRESS, **kwargs}
    assert derive_readiness(**arguments) == expected


def intake(**kwargs):
    method = kwargs.pop("method", "prepayment")
    base = make_intake(**kwargs)
    return order_intake(intake=base.__class__(**{**base.__dict__, "payment_method": method}), actor=TESTER).order


@pytest.mark.django_db
def test_an_order_paid_in_the_shop_is_released_at_once():
    make_article(stock=5)
    order = intake(method="paypal", paid=True)
    assert (order.readiness, order.fulfillment_state) == ("ready", "released")
    assert order.released_at is not None
    assert AuditEvent.objects.filter(order_number=order.number, action="sales.order.released").count() == 1


@pytest.mark.django_db
def test_prepayment_waits_for_the_money_and_is_released_by_the_payment():
    # given an unpaid prepayment order with its stock reserved
    make_article(stock=5)
    order = intake(method="prepayment")
    assert (order.readiness, order.fulfillment_state) == ("awaiting_payment", "unfulfilled")
    # when part of the money comes in, it still waits; when the rest comes, it is released
    for amount, expected in (("20.00", "awaiting_payment"), ("24.88", "ready")):
        payment_received(order=order, actor=TESTER, data=PaymentData(
            order_number=order.number, amount=Decimal(amount), currency="EUR", method="prepayment", source="bank"))
        order.refresh_from_db()
        assert order.readiness == expected
    assert order.fulfillment_state == "released"


@pytest.mark.django_db
def test_purchase_on_account_ships_before_payment_unless_stock_is_missing():
    make_article(sku="SHIRT", stock=5)
    make_article(sku="RARE", stock=1)
    assert intake(method="invoice", lines=[("SHIRT", 1, "19.99")]).readiness == "ready"
    waiting = intake(method="invoice", lines=[("SHIRT", 1, "19.99"), ("RARE", 2, "5.00")])
    assert (waiting.readiness, waiting.fulfillment_state) == ("awaiting_stock", "unfulfilled")


@pytest.mark.django_db
def test_digital_only_orders_have_nothing_to_ship_and_cancelled_orders_are_not_ready():
    make_article(sku="EBOOK", kind="digital")
    make_article(stock=5)
    assert intake(lines=[("EBOOK", 1, "9.99")], shipping_price="", method="card", paid=True).readiness == (
        "nothing_to_ship")
    order = intake()
    order_cancel(order=order, actor=TESTER, reason="test")
    assert SalesOrder.objects.get(pk=order.pk).readiness == "cancelled"


@pytest.mark.django_db
def test_purchase_on_account_waits_when_the_credit_limit_is_exceeded_until_money_comes_in():
    # given a customer with a credit limit of 60.00 and an order on account of 44.88 (ready)
    make_article(stock=10)
    first = intake(method="invoice")
    customer_credit_limit_set(customer=first.customer, limit=Decimal("60.00"), actor=TESTER)
    # when a second order on account would take them to 89.76
    second = intake(method="invoice")
    # then it waits for the credit limit, the first one stays released
    assert second.readiness == "credit_limit_exceeded"
    assert SalesOrder.objects.get(pk=first.pk).readiness == "ready"
    # when the first order is paid, the second is within the limit again and released
    payment_received(order=first, actor=TESTER, data=PaymentData(
        order_number=first.number, amount=Decimal("44.88"), currency="EUR", method="invoice", source="bank"))
    second.refresh_from_db()
    assert (second.readiness, second.fulfillment_state) == ("ready", "released")


@pytest.mark.django_db
def test_a_negative_credit_limit_is_refused():
    make_article(stock=10)
    order = intake(method="invoice")
    with pytest.raises(InvalidInput):
        customer_credit_limit_set(customer=order.customer, limit=Decimal("-1"), actor=TESTER)
