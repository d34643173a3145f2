"""Orders on account held by the customer's credit limit are released when the room under the
limit grows — the limit raised or removed, another order cancelled — not only on a payment; and
two orders placed at once never both pass the limit. Orders of 2 x 19.99 + 4.90 = 44.88."""

import dataclasses
import threading
from decimal import Decimal

import pytest
from django.db import connection

from kontorhaus.customers.models import Customer
from kontorhaus.customers.services import customer_credit_limit_set
from kontorhaus.flows.credit_limit import customer_credit_limit_change
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.order_intake import order_intake
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake


def on_account(sku: str = "TSHIRT-M") -> SalesOrder:
    intake = dataclasses.replace(make_intake(lines=[(sku, 2, "19.99")]), payment_method="invoice")
    return order_intake(intake=intake, actor=TESTER).order


def _saved(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.get(pk=order.pk)


@pytest.fixture
def held(db) -> tuple[SalesOrder, SalesOrder]:
    """A customer with a limit of 60.00: the first order (44.88) released, the second waiting."""
    make_article(stock=10)
    first = on_account()
    customer_credit_limit_set(customer=first.customer, limit=Decimal("60.00"), actor=TESTER)
    second = on_account()
    assert (_saved(first).readiness, second.readiness) == ("ready", "credit_limit_exceeded")
    return first, second


@pytest.mark.parametrize("limit", [Decimal("100.00"), None])
def test_raising_or_removing_the_limit_releases_the_waiting_order(held, limit):
    _, second = held
    # when the limit is raised to 100.00 (or removed)
    customer_credit_limit_change(customer=second.customer, limit=limit, actor=TESTER)
    # then the second order is released
    assert (_saved(second).readiness, _saved(second).fulfillment_state) == ("ready", "released")


def test_raising_the_limit_too_little_keeps_it_waiting(held):
    _, second = held
    customer_credit_limit_change(customer=second.customer, limit=Decimal("80.00"), actor=TESTER)
    assert _saved(second).readiness == "credit_limit_exceeded"


def test_cancelling_another_order_on_account_releases_the_waiting_one(held):
    first, second = held
    # when the first order is cancelled
    order_cancel(order=first, actor=TESTER, reason="Kunde storniert")
    # then it owes nothing, and the second fits under the limit and is released
    assert _saved(first).balance_due == Decimal("0.00")
    assert (_saved(second).readiness, _saved(second).fulfillment_state) == ("ready", "released")


def test_the_limit_set_on_the_customer_page_releases_the_waiting_order(held, client, django_user_model):
    _, second = held
    client.force_login(django_user_model.objects.create_user("erika", password="pw-123456789"))
    # when the limit is raised on the customer page
    response = client.post(f"/customers/{second.customer.number}/credit-limit/", {"credit_limit": "100,00"},
                           HTTP_ACCEPT_LANGUAGE="de")
    # then it is saved and the order is released
    assert response.status_code == 302
    assert Customer.objects.get(pk=second.customer_id).credit_limit == Decimal("100.00")
    assert _saved(second).readiness == "ready"


@pytest.mark.django_db(transaction=True)
def test_two_orders_on_account_placed_at_once_do_not_both_pass_the_limit():
    # given a customer with a limit of 60.00 and no open orders, and two articles (no shared stock row)
    make_article(sku="SHIRT-A", stock=5)
    make_article(sku="SHIRT-B", stock=5)
    first = on_account("SHIRT-A")
    customer_credit_limit_set(customer=first.customer, limit=Decimal("60.00"), actor=TESTER)
    order_cancel(order=first, actor=TESTER)
    # when two orders of 44.88 on account arrive at the same moment
    barrier, orders, errors = threading.Barrier(2), [], []

    def place(sku: str) -> None:
        try:
            barrier.wait(timeout=30)
            orders.append(on_account(sku))
        except Exception as exc:  # noqa: BLE001 -- reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(sku,)) for sku in ("SHIRT-A", "SHIRT-B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then one is released and the other waits for the credit limit
    assert errors == []
    assert sorted(_saved(o).readiness for o in orders) == ["credit_limit_exceeded", "ready"]
