"""Two pick-run creations, two pickers, two packers at the same moment, each in its own thread
and connection: no order lands on two runs, no unit is picked or packed twice. On PostgreSQL
the orders are taken with row locks (SKIP LOCKED for batches), on SQLite under the write lock;
the partial unique index on open pick-run entries is the last guard."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.pack_and_ship import PackItem, order_pack
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.fulfillment.models import PickRun, PickRunOrder, Shipment
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.tests.factories import TESTER

from .factories_picking import make_bin, released_order, start, stocked

pytestmark = pytest.mark.django_db(transaction=True)
PARCEL = ParcelData(weight_grams=800, length_cm=30, width_cm=20, height_cm=10)


def _at_once(*calls: Callable[[], object]) -> tuple[list[object], list[Exception]]:
    barrier, results, errors = threading.Barrier(len(calls)), [], []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except Exception as exc:  # noqa: BLE001 -- reported by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def orders():
    shelf = make_bin("A-01", 10)
    stocked("MUG", units=100, bin_=shelf)
    return [released_order(("MUG", 1)) for _ in range(8)]


@pytest.mark.postgres
def test_two_batch_runs_created_at_once_take_different_orders(orders):
    # when two packers each start a batch of 5 at the same moment
    runs, errors = _at_once(lambda: start("batch", size=5), lambda: start("batch", size=5))
    # then both runs exist (SKIP LOCKED: the second takes the next orders) and no order is on two
    assert errors == []
    entries = list(PickRunOrder.objects.values_list("order_number", flat=True))
    assert len(entries) == len(set(entries)) == 8
    assert sorted(run.orders.count() for run in runs) == [3, 5]


def test_the_same_order_started_twice_at_once_lands_on_one_run(orders):
    number = orders[0].number
    runs, errors = _at_once(lambda: start("single", order_number=number),
                            lambda: start("single", order_number=number))
    assert len(runs) == 1 and len(errors) == 1
    assert PickRunOrder.objects.filter(order_number=number).count() == 1
    assert SalesOrderLine.objects.get(order=orders[0], position=1).picking_quantity == 1


def test_two_packers_packing_the_same_order_at_once_pack_it_once(orders):
    # given the first order picked
    run = start("single", order_number=orders[0].number)
    row = pick_rows(run=run)[0]
    pick_confirmed(run=run, article=row.article, location=row.location, quantity=1, actor=TESTER)

    def pack():
        return order_pack(order=orders[0], items=[PackItem("MUG", 1)], parcels=[PARCEL], actor=TESTER)

    # when two packers press "packed" at the same moment
    shipments, errors = _at_once(pack, pack)
    # then one shipment, the other is refused
    assert len(shipments) == 1 and len(errors) == 1
    assert Shipment.objects.count() == 1
    assert SalesOrderLine.objects.get(order=orders[0], position=1).packed_quantity == 1
    assert stock_reconcile() == []


def test_two_pickers_confirming_the_last_units_at_once_count_them_once(orders):
    run = start("batch", size=2)
    row = pick_rows(run=run)[0]

    def confirm():
        return pick_confirmed(run=run, article=row.article, location=row.location, quantity=2, actor=TESTER)

    done, errors = _at_once(confirm, confirm)
    assert len(done) == 1 and len(errors) == 1
    assert Counter(SalesOrderLine.objects.filter(picked_quantity=1).values_list("order_id", flat=True)).total() == 2
    assert stock_reconcile() == []


def _steps(*steps: Callable[[], object]) -> Callable[[], list[object]]:
    """One worker doing several steps in turn; a refusal (DomainError) is a result, anything
    else (a deadlock, a serialization failure) fails the test."""

    def run() -> list[object]:
        done = []
        for step in steps:
            try:
                done.append(step())
            except DomainError as refused:
                done.append(refused)
        return done

    return run


@pytest.mark.postgres
def test_picking_packing_and_cancelling_the_same_orders_at_once_do_not_deadlock(orders):
    # given eight orders on one run, the first two picked
    run = start("batch", size=8)
    row = pick_rows(run=run)[0]
    pick_confirmed(run=run, article=row.article, location=row.location, quantity=2, actor=TESTER)

    def pick():
        return pick_confirmed(run=run, article=row.article, location=row.location, quantity=1, actor=TESTER)

    def pack(order):
        return lambda: order_pack(order=order, items=[PackItem("MUG", 1)], parcels=[PARCEL], actor=TESTER)

    def cancel(order):
        return lambda: order_cancel(order=order, actor=TESTER, reason="race")

    # when a picker confirms unit after unit while a packer packs the picked orders and the back
    # office cancels orders on the run, newest first (and the first, packed meanwhile or not)
    results, errors = _at_once(_steps(*[pick] * 6), _steps(pack(orders[0]), pack(orders[1])),
                               _steps(*[cancel(o) for o in reversed(orders[4:])], cancel(orders[0])))
    # then nothing failed but by refusal (no deadlock), and stock, run and lines agree
    assert errors == [] and len(results) == 3
    assert stock_reconcile() == []
    for order in orders:
        order = SalesOrder.objects.get(pk=order.pk)
        line = SalesOrderLine.objects.get(order=order, position=1)
        if order.status == "cancelled":
            assert (line.picking_quantity, line.picked_quantity, line.packed_quantity) == (0, 0, 0)
        else:
            assert line.picking_quantity + line.picked_quantity == 1
    assert not PickRunOrder.objects.filter(closed=False, order_number__in=[o.number for o in orders[4:]]).exists()
    assert PickRun.objects.get(pk=run.pk).status == "completed"
