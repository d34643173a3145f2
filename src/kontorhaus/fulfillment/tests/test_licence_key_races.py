"""Licence keys under concurrency: payments for several orders booked at the same moment (each
in its own thread and connection) never hand out one key twice. On PostgreSQL the free keys are
taken with SKIP LOCKED row locks, on SQLite under the write lock."""

import threading
from collections import Counter

import pytest
from django.db import connection

from kontorhaus.fulfillment.models import DigitalDelivery, LicenceKey
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import place_order

from .factories import make_ebook, pay

pytestmark = pytest.mark.django_db(transaction=True)


def _pay_all_at_once(orders: list[SalesOrder]) -> list[Exception]:
    barrier, errors = threading.Barrier(len(orders)), []

    def run(order: SalesOrder) -> None:
        try:
            barrier.wait(timeout=30)
            pay(order, external_id=f"race-{order.number}")
        except Exception as exc:  # noqa: BLE001 -- reported by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_six_orders_paid_at_once_get_twelve_different_keys():
    # given a pool of 12 keys and six unpaid orders for two copies each
    make_ebook(keys=12)
    orders = [place_order(lines=[("EBOOK-1", 2, "9.99")], shipping_price="").order for _ in range(6)]
    # when all six payments arrive at the same moment
    errors = _pay_all_at_once(orders)
    # then every order got two keys, and no key went to two units
    assert errors == []
    assigned = list(LicenceKey.objects.exclude(order_number=""))
    assert len(assigned) == 12 and len({k.key for k in assigned}) == 12
    assert Counter(k.order_number for k in assigned) == {o.number: 2 for o in orders}
    assert DigitalDelivery.objects.filter(status="delivered").count() == 6


def test_two_orders_racing_for_the_last_key_one_wins_the_other_is_parked():
    # given one key left and two unpaid orders for one copy each
    make_ebook(keys=1)
    orders = [place_order(lines=[("EBOOK-1", 1, "9.99")], shipping_price="").order for _ in range(2)]
    # when both are paid at the same moment
    errors = _pay_all_at_once(orders)
    # then one order has the key and is delivered, the other is parked and holds no key
    assert errors == []
    statuses = sorted(DigitalDelivery.objects.values_list("status", flat=True))
    assert statuses == ["delivered", "parked"]
    (key,) = LicenceKey.objects.all()
    winner = DigitalDelivery.objects.get(status="delivered").order_number
    assert key.order_number == winner
    assert all(SalesOrder.objects.get(pk=o.pk).payment_state == "paid" for o in orders)
