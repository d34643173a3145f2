"""The whole pick list confirmed at once (the printed list ticked off): every open row is
picked, each order's units move to the packing area and are counted picked once; a row picked
by a scan meanwhile, a cancelled order and a second confirmation are handled without counting
anything twice."""

import pytest

from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.pick_run import pick_confirmed, pick_list_confirmed, pick_run_closed_short, picks_confirmed
from kontorhaus.fulfillment.models import PickItem
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_picking import Pick
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.inventory.models import LocationKind, StockLevel, StockMove
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelves():
    a, b = make_bin("A-01", 10), make_bin("B-01", 20)
    return {"mug": stocked("MUG", units=10, bin_=b), "tee": stocked("TEE", units=10, bin_=a), "a": a, "b": b}


def _lines(order) -> list[tuple[int, int, int]]:
    order = SalesOrder.objects.get(pk=order.pk)
    return [(line.picking_quantity, line.picked_quantity, line.reserved_quantity)
            for line in order.lines.filter(article__isnull=False).order_by("position")]


def _packing(article) -> tuple[int, int]:
    level = StockLevel.objects.filter(article=article, location__kind=LocationKind.PACKING).first()
    return (level.on_hand, level.reserved) if level else (0, 0)


def test_the_whole_list_picked_at_once_moves_every_order_and_completes_the_run(shelves):
    # given a batch run of two orders over two bins
    first = released_order(("MUG", 2), ("TEE", 1))
    second = released_order(("MUG", 1), ("TEE", 3))
    run = start("batch", size=10)
    # when the list is confirmed at once
    allocations = pick_list_confirmed(run=run, actor=TESTER)
    # then every unit is picked, per order and line
    assert sum(a.quantity for a in allocations) == 7
    run.refresh_from_db()
    assert run.status == "completed"
    assert _lines(first) == [(0, 2, 2), (0, 1, 1)]
    assert _lines(second) == [(0, 1, 1), (0, 3, 3)]
    assert SalesOrder.objects.get(pk=first.pk).fulfillment_state == "picking"
    # the stock is in the packing area, still reserved, one ledger entry per order, article and bin
    assert _packing(shelves["mug"]) == (3, 3) and _packing(shelves["tee"]) == (4, 4)
    assert StockMove.objects.filter(reason="pick").count() == 4
    assert stock_reconcile() == []
    # and a second confirmation is refused, nothing counted twice
    with pytest.raises(InvalidInput, match="nothing is left"):
        pick_list_confirmed(run=run, actor=TESTER)
    assert _packing(shelves["mug"]) == (3, 3)


def test_rows_scanned_before_are_left_out_and_a_cancelled_order_is_passed_over(shelves):
    first = released_order(("MUG", 2))
    second = released_order(("MUG", 1), ("TEE", 1))
    run = start("batch", size=10)
    # one mug scanned already, then the second order cancelled
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    order_cancel(order=SalesOrder.objects.get(pk=second.pk), reason="customer", actor=TESTER)
    # when the rest of the list is confirmed
    pick_list_confirmed(run=run, actor=TESTER)
    # then the first order is picked completely, the cancelled one not at all
    assert _lines(first) == [(0, 2, 2)]
    assert not PickItem.objects.filter(order_number=second.number).exclude(picked_quantity=0).exists()
    assert _packing(shelves["mug"]) == (2, 2) and _packing(shelves["tee"]) == (0, 0)
    assert stock_reconcile() == []


def test_a_list_changed_since_it_was_read_is_refused_and_changes_nothing(shelves):
    order = released_order(("MUG", 2), ("TEE", 1))
    run = start("single", order_number=order.number)
    rows = pick_rows(run=run)
    # a scan between reading the list and confirming it takes one mug
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    with pytest.raises(InvalidInput, match="only 1"):
        picks_confirmed(run=run, picks=[Pick(r.article, r.location, r.open) for r in rows], actor=TESTER)
    assert _lines(order) == [(1, 1, 2), (1, 0, 1)]
    assert _packing(shelves["tee"]) == (0, 0)
    assert stock_reconcile() == []


def test_a_run_closed_short_drops_what_was_not_found_and_a_later_run_takes_it(shelves):
    # given a batch run of two orders; of the first only one mug is found, of the second nothing
    first = released_order(("MUG", 2))
    second = released_order(("TEE", 1))
    run = start("batch", size=10)
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    # when the picker closes the run: the rest was not found
    dropped = pick_run_closed_short(run=run, actor=TESTER)
    # then the units not picked left the run, still reserved in their bins; the run is complete
    assert dropped == {first.number: {1: 1}, second.number: {1: 1}}
    run.refresh_from_db()
    assert run.status == "completed"
    assert _lines(first) == [(0, 1, 2)] and _lines(second) == [(0, 0, 1)]
    assert _packing(shelves["mug"]) == (1, 1)
    assert stock_reconcile() == []
    # closing again changes nothing
    with pytest.raises(InvalidInput, match="nothing is left"):
        pick_run_closed_short(run=run, actor=TESTER)
    # and a later run takes the dropped units again
    later = start("batch", size=10)
    assert sorted((r.article.sku, r.quantity) for r in pick_rows(run=later)) == [("MUG", 1), ("TEE", 1)]
