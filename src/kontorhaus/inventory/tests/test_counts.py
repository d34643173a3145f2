"""Counts and write-offs: differences are booked as moves with their reason; a bin found short
of what is promised from it gives back its newest reservations, whose lines wait again."""

import pytest

from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.flows.order_intake import order_intake
from kontorhaus.flows.stock_counted import stock_counted, stock_written_off
from kontorhaus.inventory.models import StockLevel, StockMove, StockReservation
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.inventory.services_bins import bin_create, warehouse_create
from kontorhaus.inventory.services_counts import CountLine, stock_count_book
from kontorhaus.sales.models import SalesOrderLine
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def bins():
    warehouse = warehouse_create(code="HH", name="Hamburg", sellable=True, actor=TESTER)
    return {label: bin_create(warehouse=warehouse, label=label, walk_order=order, actor=TESTER)
            for label, order in (("A-01", 10), ("B-01", 20))}


def _level(article, location):
    level = StockLevel.objects.filter(article=article, location=location).first()
    return (level.on_hand, level.reserved) if level else (0, 0)


def _order(sku, quantity, external_id):
    intake = make_intake(lines=[(sku, quantity, "10.00")], external_id=external_id)
    return order_intake(intake=intake, actor=TESTER).order


def test_a_count_books_the_differences_with_reason_count(bins):
    # given 5 mugs expected in A-01 and none in B-01
    mug = make_article(sku="MUG")
    stock_adjust(article=mug, delta=5, reason="receipt", note="", actor=TESTER, location=bins["A-01"])
    # when the count finds 4 in A-01 and 2 in B-01
    result = stock_count_book(lines=[CountLine(mug, bins["A-01"], 4, expected=5),
                                     CountLine(mug, bins["B-01"], 2, expected=0)], note="Inventur", actor=TESTER)
    # then each difference is one move, reason "count"
    assert [(d["location"], d["expected"], d["counted"], d["difference"]) for d in result.differences] == [
        ("HH:A-01", 5, 4, -1), ("HH:B-01", 0, 2, 2)]
    assert [(m.quantity, m.reason, m.from_location.code, m.to_location.code) for m in result.moves] == [
        (1, "count", "HH:A-01", "LOSS"), (2, "count", "LOSS", "HH:B-01")]
    assert (_level(mug, bins["A-01"]), _level(mug, bins["B-01"])) == ((4, 0), (2, 0))
    assert stock_reconcile() == []


def test_a_count_refuses_a_bin_that_changed_since_the_sheet_and_changes_nothing(bins):
    mug = make_article(sku="MUG")
    stock_adjust(article=mug, delta=5, reason="receipt", note="", actor=TESTER, location=bins["A-01"])
    with pytest.raises(InvalidInput) as error:
        stock_count_book(lines=[CountLine(mug, bins["B-01"], 1, expected=0),
                                CountLine(mug, bins["A-01"], 3, expected=6)], note="", actor=TESTER)
    assert error.value.details["field"] == "lines.1.expected"
    assert (_level(mug, bins["A-01"]), _level(mug, bins["B-01"])) == ((5, 0), (0, 0))
    for bad in ([CountLine(mug, bins["A-01"], -1)], [CountLine(mug, bins["A-01"], 1), CountLine(mug, bins["A-01"], 2)],
                []):
        with pytest.raises(InvalidInput):
            stock_count_book(lines=bad, note="", actor=TESTER)


def test_a_short_count_takes_back_the_newest_reservations_and_backorders_their_lines(bins):
    # given 4 mugs in A-01, 3 promised to an older order and 1 to a newer one
    mug = make_article(sku="MUG")
    stock_adjust(article=mug, delta=4, reason="receipt", note="", actor=TESTER, location=bins["A-01"])
    older, newer = _order("MUG", 3, "older"), _order("MUG", 1, "newer")
    assert _level(mug, bins["A-01"]) == (4, 4)
    # when the count finds only 2
    result = stock_counted(lines=[CountLine(mug, bins["A-01"], 2, expected=4)], note="", actor=TESTER)
    # then the newer order's unit and one of the older order's are taken back and backordered
    assert sorted((t.order_number, t.quantity) for t in result.taken_back) == [(older.number, 1), (newer.number, 1)]
    assert _level(mug, bins["A-01"]) == (2, 2)
    line_of = {o.number: SalesOrderLine.objects.get(order=o, sku="MUG") for o in (older, newer)}
    assert (line_of[older.number].reserved_quantity, line_of[older.number].backordered_quantity) == (2, 1)
    assert (line_of[newer.number].reserved_quantity, line_of[newer.number].backordered_quantity) == (0, 1)
    assert StockReservation.objects.filter(order_number=newer.number).count() == 0
    assert stock_reconcile() == []


def test_a_short_count_is_made_good_from_another_bin_oldest_order_first(bins):
    mug = make_article(sku="MUG")
    stock_adjust(article=mug, delta=2, reason="receipt", note="", actor=TESTER, location=bins["A-01"])
    order = _order("MUG", 2, "one")
    stock_adjust(article=mug, delta=1, reason="receipt", note="", actor=TESTER, location=bins["B-01"])
    stock_counted(lines=[CountLine(mug, bins["A-01"], 1)], note="", actor=TESTER)
    line = SalesOrderLine.objects.get(order=order, sku="MUG")
    assert (line.reserved_quantity, line.backordered_quantity) == (2, 0)
    assert (_level(mug, bins["A-01"]), _level(mug, bins["B-01"])) == ((1, 1), (1, 1))
    assert stock_reconcile() == []


def test_a_write_off_books_its_cause_and_may_take_reserved_units(bins):
    mug = make_article(sku="MUG")
    stock_adjust(article=mug, delta=3, reason="receipt", note="", actor=TESTER, location=bins["A-01"])
    order = _order("MUG", 2, "one")
    stock_written_off(article=mug, location=bins["A-01"], quantity=2, cause="damage", note="dropped", actor=TESTER)
    move = StockMove.objects.filter(reason="write_off").get()
    assert (move.quantity, move.note) == (2, "damage: dropped")
    assert _level(mug, bins["A-01"]) == (1, 1)
    line = SalesOrderLine.objects.get(order=order, sku="MUG")
    assert (line.reserved_quantity, line.backordered_quantity) == (1, 1)
    with pytest.raises(InsufficientStock):
        stock_written_off(article=mug, location=bins["A-01"], quantity=2, cause="loss", note="", actor=TESTER)
    with pytest.raises(InvalidInput):
        stock_written_off(article=mug, location=bins["A-01"], quantity=1, cause="theft!", note="", actor=TESTER)
    assert stock_reconcile() == []
