"""A pick run over many orders costs a fixed number of queries, however many orders it takes
(the 5,000-order benchmark depends on it: one query per order line would take seconds)."""

import pytest

from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked

pytestmark = pytest.mark.django_db


def _orders(count: int) -> None:
    for _ in range(count):
        released_order(("MUG", 1), ("TEE", 2))


def _queries(count: int) -> int:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as queries:
        run = start("batch", size=count)
    assert run.orders.count() == count
    return len(queries)


def test_a_pick_run_of_many_orders_costs_as_many_queries_as_one_of_few():
    stocked("MUG", units=100, bin_=make_bin("A-01", 10))
    stocked("TEE", units=100, bin_=make_bin("B-01", 20))
    _orders(2)
    few = _queries(2)
    _orders(25)
    many = _queries(25)
    assert many <= few, (few, many)  # the first run also creates what later runs find (its number series)
