"""Warehouse stories: released orders on a pick run, picked bin by bin along the walking
order, packed at the packing station (wrong and surplus articles refused), handed over; a
partial delivery ships what is there and the rest follows with a second run."""

import pytest

from kontorhaus.core.exceptions import InvalidInput, InvalidTransition, NotFound
from kontorhaus.flows.pack_and_ship import PackItem, default_parcel, order_pack, shipment_handed_over
from kontorhaus.flows.pick_run import PickRunRequest, pick_confirmed, pick_run_start
from kontorhaus.flows.stock_received import stock_adjusted
from kontorhaus.fulfillment.models import PickRunOrder, Shipment
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.inventory.models import LocationKind, StockLevel
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.services_fulfillment import order_partial_delivery_set
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db

PARCEL = ParcelData(weight_grams=1200, length_cm=30, width_cm=20, height_cm=10)


def _state(order) -> tuple[str, str]:
    order = SalesOrder.objects.get(pk=order.pk)
    return order.fulfillment_state, order.readiness


def _pick_all(run):
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)


@pytest.fixture
def shelves():
    a, b = make_bin("A-01", 10), make_bin("B-01", 20)
    return {"mug": stocked("MUG", units=10, bin_=b, gtin="4006381333931"), "tee": stocked("TEE", units=10, bin_=a),
            "a": a, "b": b}


def test_a_run_walks_the_bins_in_order_and_merges_orders_per_article_and_bin(shelves):
    # given two released orders
    first = released_order(("MUG", 2), ("TEE", 1))
    second = released_order(("MUG", 1))
    # when a batch run is made
    run = start("batch", size=10)
    # then: one row per article and bin, A-01 (walk 10) before B-01 (walk 20), orders in totes
    rows = pick_rows(run=run)
    assert [(r.location.label, r.article.sku, r.quantity) for r in rows] == [("A-01", "TEE", 1), ("B-01", "MUG", 3)]
    assert rows[1].totes == [(1, first.number, 2), (2, second.number, 1)]
    assert _state(first) == ("picking", "ready")
    # and neither order goes into a second run
    with pytest.raises(InvalidInput, match="no released order"):
        start("batch", size=10)


def test_unreleased_orders_stay_out_and_single_mode_says_why(shelves):
    unpaid = place_order(lines=[("MUG", 1, "10.00")], paid=False).order
    with pytest.raises(InvalidInput) as error:
        start("single", order_number=unpaid.number)
    assert error.value.details == {"field": "order_number", "reason": "awaiting_payment"}
    with pytest.raises(NotFound):
        start("single", order_number="AU-1999-000001")


def test_carrier_and_single_line_modes(shelves):
    one_line = released_order(("MUG", 1))
    released_order(("MUG", 1), ("TEE", 1))
    run = start("single_line")
    assert [o.order_number for o in run.orders.all()] == [one_line.number]
    with pytest.raises(InvalidInput):
        start("carrier", carrier="ups")
    assert start("carrier", carrier="dhl-paket").orders.count() == 1


def test_picking_moves_stock_to_the_packing_area_and_refuses_more_than_is_open(shelves):
    order = released_order(("MUG", 2))
    run = start()
    # when one too many is confirmed: refused, nothing counted
    with pytest.raises(InvalidInput, match="only 2"):
        pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=3, actor=TESTER)
    # and the wrong bin
    with pytest.raises(InvalidInput, match="not to be picked"):
        pick_confirmed(run=run, article=shelves["mug"], location=shelves["a"], quantity=1, actor=TESTER)
    assert pick_rows(run=run)[0].picked == 0
    # when picked in two goes
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    # then the run is complete and the units are in the packing area, still reserved
    run.refresh_from_db()
    assert run.status == "completed"
    packing = StockLevel.objects.get(article=shelves["mug"], location__kind=LocationKind.PACKING)
    assert (packing.on_hand, packing.reserved) == (2, 2)
    line = SalesOrder.objects.get(pk=order.pk).lines.get(position=1)
    assert (line.picking_quantity, line.picked_quantity, line.reserved_quantity) == (0, 2, 2)
    assert stock_reconcile() == []


def test_packing_refuses_a_wrong_article_and_one_too_many_and_changes_nothing(shelves):
    order = released_order(("MUG", 2), ("TEE", 1))
    _pick_all(start())
    for items, reason in (([PackItem("TEE", 1), PackItem("SOCK", 1)], "not_in_order"),
                          ([PackItem("MUG", 2), PackItem("4006381333931", 1), PackItem("TEE", 1)], "too_many"),
                          ([PackItem("MUG", 2)], "incomplete")):  # "wait": only complete
        with pytest.raises(InvalidInput) as error:
            order_pack(order=order, items=items, parcels=[PARCEL], actor=TESTER)
        assert error.value.details["reason"] == reason
    assert Shipment.objects.count() == 0
    assert _state(order) == ("picking", "ready")


def test_pack_then_hand_over(shelves):
    # given a picked order
    order = released_order(("MUG", 2), ("TEE", 1))
    run = start()
    _pick_all(run)
    # when packed, the mug scanned by its GTIN
    shipment = order_pack(order=order, items=[PackItem("4006381333931", 2), PackItem("tee", 1)],
                          parcels=[PARCEL, ParcelData(500, 20, 15, 5)], actor=TESTER)
    # then: a shipment for the carrier, no tracking number yet; stock gone; the order packed
    assert (shipment.carrier, shipment.tracking_number, shipment.status) == ("dhl-paket", "", "packed")
    assert sorted((line.sku, line.quantity) for line in shipment.lines.all()) == [("MUG", 2), ("TEE", 1)]
    assert shipment.parcels.count() == 2
    assert _state(order) == ("packed", "ready")
    assert not PickRunOrder.objects.filter(order_number=order.number, closed=False).exists()
    assert stock_reconcile() == []
    # packing again: nothing picked is left
    with pytest.raises(InvalidInput):
        order_pack(order=order, items=[PackItem("MUG", 1)], parcels=[PARCEL], actor=TESTER)
    # when handed over
    shipment_handed_over(shipment=shipment, actor=TESTER)
    assert _state(order) == ("shipped", "ready")
    with pytest.raises(InvalidTransition):
        shipment_handed_over(shipment=shipment, actor=TESTER)


def test_partial_delivery_ships_what_is_there_and_the_rest_follows(shelves):
    # given an order of 3 tees with 1 in stock, shipping what is there
    scarce = make_article(sku="SCARCE")
    stock_adjusted(article=scarce, delta=1, reason="receipt", note="", actor=TESTER)
    waiting = released_order(("SCARCE", 3))
    assert _state(waiting) == ("unfulfilled", "awaiting_stock")
    order = released_order(("SCARCE", 1), partial_delivery="ship_available")  # nothing left for it
    assert _state(order)[1] == "awaiting_stock"
    waiting = SalesOrder.objects.get(pk=waiting.pk)
    order_partial_delivery_set(order=waiting, partial_delivery="ship_available", actor=TESTER)
    assert _state(waiting) == ("released", "ready")
    # when the available unit is picked and packed
    _pick_all(start())
    first = order_pack(order=waiting, items=[PackItem("SCARCE", 1)], parcels=[PARCEL], actor=TESTER)
    shipment_handed_over(shipment=first, actor=TESTER)
    # then the order is partially shipped and waits for the rest
    assert _state(waiting) == ("partially_shipped", "awaiting_stock")
    # when the rest arrives: a second run and shipment
    stock_adjusted(article=scarce, delta=5, reason="receipt", note="", actor=TESTER)
    assert _state(waiting) == ("partially_shipped", "ready")
    run = start("single", order_number=waiting.number)
    _pick_all(run)
    second = order_pack(order=waiting, items=[PackItem("SCARCE", 2)], parcels=[PARCEL], actor=TESTER)
    shipment_handed_over(shipment=second, actor=TESTER)
    assert _state(waiting) == ("shipped", "ready")
    line = SalesOrder.objects.get(pk=waiting.pk).lines.get(position=1)
    assert (line.packed_quantity, line.shipped_quantity, line.reserved_quantity, line.backordered_quantity) == (
        3, 3, 0, 0)
    assert stock_reconcile() == []


def test_default_parcel_weighs_the_articles(shelves):
    order = released_order(("TEE", 2))
    _pick_all(start())
    assert default_parcel(SalesOrder.objects.get(pk=order.pk)).weight_grams == 200  # articles without weight


def test_single_order_run_refuses_an_order_on_an_open_run(shelves):
    order = released_order(("TEE", 1))
    start("single", order_number=order.number)
    with pytest.raises(InvalidInput) as error:
        pick_run_start(request=PickRunRequest(mode="single", order_number=order.number), actor=TESTER)
    assert error.value.details["reason"] == "already_picking"
