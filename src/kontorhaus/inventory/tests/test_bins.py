"""Stock in bins: promised bin by bin in walking order, picked to the packing area with its
reservation, shipped from there; the ledger and the counters agree after every step."""

import pytest

from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.inventory.models import StockLevel, StockReservation
from kontorhaus.inventory.selectors import stock_availability, stock_reconcile
from kontorhaus.inventory.services import (
    ReservationRequest,
    stock_adjust,
    stock_bin_for,
    stock_release,
    stock_reserve,
)
from kontorhaus.inventory.services_bins import (
    bin_create,
    packing_location,
    stock_pick,
    stock_policy_set,
    stock_ship,
    stock_transfer,
    warehouse_create,
)
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    warehouse = warehouse_create(code="HH", name="Hamburg", sellable=True, actor=TESTER)
    bins = {label: bin_create(warehouse=warehouse, label=label, walk_order=order, actor=TESTER)
            for label, order in (("C-01-1", 30), ("A-03-2", 10), ("B-02-1", 20))}
    return warehouse, bins


def _level(article, location) -> tuple[int, int]:
    level = StockLevel.objects.filter(article=article, location=location).first()
    return (level.on_hand, level.reserved) if level else (0, 0)


def test_an_order_is_promised_from_one_bin_or_bin_by_bin_in_walking_order_and_picked_and_shipped(hall):
    warehouse, bins = hall
    article = make_article(sku="MUG")
    for label, quantity in (("C-01-1", 6), ("A-03-2", 2), ("B-02-1", 1)):
        stock_adjust(article=article, delta=quantity, reason="receipt", note="", actor=TESTER, location=bins[label])
    # when an order wants 3: the first bin in walking order that has all of them gives them
    stock_reserve(requests=[ReservationRequest(article, 3, 1)], order_number="AU-0", require_all=True, actor=TESTER)
    assert _level(article, bins["C-01-1"]) == (6, 3)
    # when the next wants 4, which no bin has alone
    [result] = stock_reserve(requests=[ReservationRequest(article, 4, 1)], order_number="AU-1", require_all=True,
                             actor=TESTER)
    # then A (2) and B (1) come first, then 1 from C
    assert result.reserved == 4
    assert [_level(article, bins[b]) for b in ("A-03-2", "B-02-1", "C-01-1")] == [(2, 2), (1, 1), (6, 4)]
    # when it is picked, the units and the reservation move to the packing area in walking order
    picked = stock_pick(order_number="AU-1", article=article, quantity=4, actor=TESTER)
    assert [(p.location.label, p.quantity) for p in picked] == [("A-03-2", 2), ("B-02-1", 1), ("C-01-1", 1)]
    packing = packing_location(warehouse)
    assert _level(article, packing) == (4, 4)
    assert sum(r.quantity for r in StockReservation.objects.filter(order_number="AU-1", location=packing)) == 4
    # when 3 are shipped (split shipment), 1 stays reserved in the packing area
    assert stock_ship(order_number="AU-1", article=article, quantity=3, actor=TESTER) == 3
    assert _level(article, packing) == (1, 1)
    assert stock_availability(articles=[article])[article.pk].available == 2
    assert stock_reconcile() == []


def test_a_cancelled_orders_picked_units_go_back_to_their_bin_and_can_be_promised_again(hall):
    warehouse, bins = hall
    article = make_article(sku="MUG")
    stock_policy_set(article=article, warehouse=warehouse, default_bin=bins["A-03-2"], reorder_point=None,
                     target_level=None, actor=TESTER)
    stock_adjust(article=article, delta=1, reason="receipt", note="", actor=TESTER, location=bins["A-03-2"])
    stock_reserve(requests=[ReservationRequest(article, 1, 1)], order_number="AU-1", require_all=True, actor=TESTER)
    stock_pick(order_number="AU-1", article=article, quantity=1, actor=TESTER)
    # when the order is cancelled after picking
    stock_release(order_number="AU-1", actor=TESTER)
    # then the unit is put away into its bin (a ledger move), and the next order gets it from there
    assert (_level(article, packing_location(warehouse)), _level(article, bins["A-03-2"])) == ((0, 0), (1, 0))
    [again] = stock_reserve(requests=[ReservationRequest(article, 1, 1)], order_number="AU-2", require_all=True,
                            actor=TESTER)
    assert again.reserved == 1
    assert StockReservation.objects.get(order_number="AU-2").location == bins["A-03-2"]
    assert stock_reconcile() == []


def test_a_pick_is_booked_from_the_bin_the_picker_names(hall):
    _, bins = hall
    article = make_article(sku="MUG")
    stock_adjust(article=article, delta=1, reason="receipt", note="", actor=TESTER, location=bins["A-03-2"])
    stock_adjust(article=article, delta=2, reason="receipt", note="", actor=TESTER, location=bins["B-02-1"])
    stock_reserve(requests=[ReservationRequest(article, 3, 1)], order_number="AU-1", require_all=True, actor=TESTER)
    picked = stock_pick(order_number="AU-1", article=article, quantity=1, actor=TESTER, location=bins["B-02-1"])
    assert [(p.location.label, p.quantity) for p in picked] == [("B-02-1", 1)]
    assert (_level(article, bins["A-03-2"]), _level(article, bins["B-02-1"])) == ((1, 1), (1, 1))
    assert stock_pick(order_number="AU-1", article=article, quantity=1, actor=TESTER, location=bins["C-01-1"]) == []


def test_only_free_units_move_between_bins(hall):
    _, bins = hall
    article = make_article(sku="MUG")
    stock_adjust(article=article, delta=3, reason="receipt", note="", actor=TESTER, location=bins["A-03-2"])
    stock_reserve(requests=[ReservationRequest(article, 2, 1)], order_number="AU-1", require_all=True, actor=TESTER)
    with pytest.raises(InsufficientStock):
        stock_transfer(article=article, source=bins["A-03-2"], target=bins["C-01-1"], quantity=2, actor=TESTER)
    stock_transfer(article=article, source=bins["A-03-2"], target=bins["C-01-1"], quantity=1, actor=TESTER)
    assert (_level(article, bins["A-03-2"]), _level(article, bins["C-01-1"])) == ((2, 2), (1, 0))
    assert stock_reconcile() == []


def test_a_receipt_goes_into_the_articles_default_bin(hall):
    warehouse, bins = hall
    article = make_article(sku="MUG")
    other = warehouse_create(code="B2", name="Zweitlager", sellable=False, actor=TESTER)
    stock_policy_set(article=article, warehouse=warehouse, default_bin=bins["B-02-1"], reorder_point=2,
                     target_level=10, actor=TESTER)
    with pytest.raises(InvalidInput):  # a bin of another warehouse
        stock_policy_set(article=article, warehouse=other, default_bin=bins["A-03-2"], reorder_point=None,
                         target_level=None, actor=TESTER)
    with pytest.raises(InvalidInput):
        bin_create(warehouse=warehouse, label="A-03-2", walk_order=1, actor=TESTER)  # exists
    for bad in ("", "A 03", "../x", "A" * 40):
        with pytest.raises(InvalidInput):
            bin_create(warehouse=warehouse, label=bad, walk_order=1, actor=TESTER)
    assert stock_bin_for(article, warehouse) == bins["B-02-1"]
    assert stock_bin_for(article, other).code == "B2"  # no default bin there: the main location
    stock_adjust(article=article, delta=4, reason="receipt", note="PO-1", actor=TESTER,
                 location=stock_bin_for(article, warehouse))
    assert _level(article, bins["B-02-1"]) == (4, 0)


def test_stock_goes_into_active_bins_only(hall):
    from kontorhaus.inventory.services_warehouse import bin_deactivate  # noqa: PLC0415

    _, bins = hall
    article = make_article(sku="MUG")
    bin_deactivate(location=bins["C-01-1"], actor=TESTER)
    with pytest.raises(InvalidInput, match="not in use"):
        stock_adjust(article=article, delta=1, reason="receipt", note="", actor=TESTER, location=bins["C-01-1"])
    stock_adjust(article=article, delta=1, reason="receipt", note="", actor=TESTER, location=bins["A-03-2"])
    with pytest.raises(InvalidInput, match="not in use"):
        stock_transfer(article=article, source=bins["A-03-2"], target=bins["C-01-1"], quantity=1, actor=TESTER)
    assert stock_reconcile() == []
