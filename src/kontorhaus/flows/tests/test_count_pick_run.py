"""A short count or write-off must not take back units that are on an open pick list (the run
could never complete): it is refused, naming the run; reservations not on a list still go."""

import pytest

from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.flows.pack_and_ship import PackItem, order_pack
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.flows.stock_counted import stock_counted, stock_written_off
from kontorhaus.fulfillment.models import PickRun
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.inventory.models import StockLevel, StockMove
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services_counts import CountLine
from kontorhaus.sales.models import SalesOrderLine
from kontorhaus.sales.tests.factories import TESTER, place_order

pytestmark = pytest.mark.django_db

PARCEL = ParcelData(weight_grams=1200, length_cm=30, width_cm=20, height_cm=10)


@pytest.fixture
def picking():
    """3 mugs in B-01: 2 for an order on an open run, 1 for a newer unpaid order (not on it)."""
    shelf = make_bin("B-01", 20)
    mug = stocked("MUG", units=3, bin_=shelf)
    on_run = released_order(("MUG", 2))
    run = start()
    newer = place_order(lines=[("MUG", 1, "10.00")], paid=False).order
    return {"bin": shelf, "mug": mug, "on_run": on_run, "newer": newer, "run": run}


def _line(order) -> tuple[int, int, int]:
    line = SalesOrderLine.objects.get(order=order, sku="MUG")
    return line.reserved_quantity, line.picking_quantity, line.backordered_quantity


def _level(article, location) -> tuple[int, int]:
    level = StockLevel.objects.get(article=article, location=location)
    return level.on_hand, level.reserved


def test_a_short_count_reaching_units_on_a_pick_list_is_refused(picking):
    run, shelf, mug = picking["run"], picking["bin"], picking["mug"]
    with pytest.raises(InvalidInput, match=f"open pick run {run.number}: finish or close the pick run first") as error:
        stock_counted(lines=[CountLine(mug, shelf, 1, expected=3)], note="Inventur", actor=TESTER)
    assert error.value.details["pick_run"] == run.number
    assert error.value.details["order_number"] == picking["on_run"].number
    with pytest.raises(InvalidInput, match=run.number):
        stock_written_off(article=mug, location=shelf, quantity=2, cause="damage", note="", actor=TESTER)
    # nothing changed
    assert _level(mug, shelf) == (3, 3)
    assert _line(picking["on_run"]) == (2, 2, 0)
    assert not StockMove.objects.filter(reason__in=["count", "write_off"]).exists()
    # and the run still completes
    pick_confirmed(run=run, article=mug, location=shelf, quantity=2, actor=TESTER)
    assert PickRun.objects.get(pk=run.pk).status == "completed"
    order_pack(order=picking["on_run"], items=[PackItem("MUG", 2)], parcels=[PARCEL], actor=TESTER)
    assert stock_reconcile() == []


def test_reservations_not_on_a_pick_list_are_still_taken_back(picking):
    run, shelf, mug = picking["run"], picking["bin"], picking["mug"]
    # one mug broke: the newer order (not on the run) gives its unit back and waits
    result = stock_written_off(article=mug, location=shelf, quantity=1, cause="damage", note="", actor=TESTER)
    assert [(t.order_number, t.quantity) for t in result.taken_back] == [(picking["newer"].number, 1)]
    assert _line(picking["newer"]) == (0, 0, 1)
    assert _line(picking["on_run"]) == (2, 2, 0)
    # once the run's units are picked, a count of the empty bin takes back nothing of it
    pick_confirmed(run=run, article=mug, location=shelf, quantity=2, actor=TESTER)
    stock_counted(lines=[CountLine(mug, shelf, 0, expected=0)], note="", actor=TESTER)
    assert PickRun.objects.get(pk=run.pk).status == "completed"
    assert stock_reconcile() == []
