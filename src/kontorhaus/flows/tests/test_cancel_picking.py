"""Cancelling an order the warehouse is working on: on an open pick run it leaves the run (the
run can still complete; picked units go back to their bin); once packed it is refused."""

import pytest

from kontorhaus.billing.models import CreditNote
from kontorhaus.core.exceptions import InvalidTransition
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.pack_and_ship import PackItem, order_pack, shipment_handed_over
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.fulfillment.models import PickRun, PickRunOrder
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.inventory.models import LocationKind, StockLevel
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.services_fulfillment import order_lines_picked, order_lines_shipped
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db

PARCEL = ParcelData(weight_grams=1200, length_cm=30, width_cm=20, height_cm=10)


@pytest.fixture
def shelves():
    a, b = make_bin("A-01", 10), make_bin("B-01", 20)
    return {"mug": stocked("MUG", units=10, bin_=b), "tee": stocked("TEE", units=10, bin_=a), "a": a, "b": b}


def _counters(order) -> list[tuple[int, int, int, int]]:
    return [(line.reserved_quantity, line.picking_quantity, line.picked_quantity, line.packed_quantity)
            for line in SalesOrderLine.objects.filter(order=order, article_kind="physical").order_by("position")]


def _on_hand(article, kind) -> int:
    return sum(level.on_hand for level in StockLevel.objects.filter(article=article, location__kind=kind))


def test_cancelling_an_order_on_an_open_run_takes_it_off_the_run(shelves):
    # given two orders on one run, the first one's MUG half picked (tote order: it gets them first)
    first = released_order(("MUG", 2), ("TEE", 1))
    second = released_order(("MUG", 1))
    run = start()
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    # when the first order is cancelled
    order_cancel(order=first, actor=TESTER, reason="customer changed their mind")
    # then it left the run, its lines count nothing on a list or picked, and the picked unit is put away
    assert not PickRunOrder.objects.filter(order_number=first.number, closed=False).exists()
    assert _counters(first) == [(0, 0, 0, 0), (0, 0, 0, 0)]
    assert SalesOrder.objects.get(pk=first.pk).fulfillment_state != "picking"
    assert _on_hand(shelves["mug"], kind=LocationKind.PACKING) == 0
    assert sum(level.on_hand for level in StockLevel.objects.filter(article=shelves["mug"])) == 10  # put away
    assert [(r.article.sku, r.open) for r in pick_rows(run=run) if r.open] == [("MUG", 1)]  # the second's
    assert stock_reconcile() == []
    # and the run completes with the second order's units
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    assert PickRun.objects.get(pk=run.pk).status == "completed"
    order_pack(order=second, items=[PackItem("MUG", 1)], parcels=[PARCEL], actor=TESTER)
    assert stock_reconcile() == []


def test_a_run_whose_open_units_all_were_the_cancelled_orders_completes(shelves):
    other = released_order(("TEE", 1))
    cancelled = released_order(("MUG", 2))
    run = start()
    pick_confirmed(run=run, article=shelves["tee"], location=shelves["a"], quantity=1, actor=TESTER)
    order_cancel(order=cancelled, actor=TESTER)
    assert PickRun.objects.get(pk=run.pk).status == "completed"
    assert _counters(cancelled) == [(0, 0, 0, 0)]
    order_pack(order=other, items=[PackItem("TEE", 1)], parcels=[PARCEL], actor=TESTER)
    assert stock_reconcile() == []


def test_cancelling_a_fully_picked_order_puts_everything_back(shelves):
    order = released_order(("MUG", 2))
    run = start()
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=2, actor=TESTER)
    order_cancel(order=order, actor=TESTER)
    assert _counters(order) == [(0, 0, 0, 0)]
    assert _on_hand(shelves["mug"], kind=LocationKind.PACKING) == 0
    assert not PickRunOrder.objects.filter(order_number=order.number, closed=False).exists()
    assert stock_reconcile() == []
    # a cancelled order is neither picked nor handed over
    with pytest.raises(InvalidTransition, match="is cancelled"):
        order_lines_picked(order=order, quantities={1: 1}, actor=TESTER)
    with pytest.raises(InvalidTransition, match="is cancelled"):
        order_lines_shipped(order=order, quantities={1: 1}, actor=TESTER)


@pytest.mark.parametrize("handed_over", [False, True])
def test_a_packed_or_shipped_order_cannot_be_cancelled(shelves, handed_over):
    # given an order packed in part (partial delivery: the TEE is not picked)
    order = released_order(("MUG", 2), ("TEE", 1), partial_delivery="ship_available")
    run = start()
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=2, actor=TESTER)
    shipment = order_pack(order=order, items=[PackItem("MUG", 2)], parcels=[PARCEL], actor=TESTER)
    if handed_over:
        shipment_handed_over(shipment=shipment, actor=TESTER)
    before = _counters(order)
    # when it is cancelled: refused, and nothing changes (no credit note, stock stays promised)
    with pytest.raises(InvalidTransition, match=f"order {order.number} is packed: lines 1"):
        order_cancel(order=order, actor=TESTER)
    assert SalesOrder.objects.get(pk=order.pk).status == "open"
    assert _counters(order) == before
    assert not CreditNote.objects.exists()
    assert stock_reconcile() == []


def test_the_order_page_offers_no_cancel_for_a_packed_order(shelves, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("erika", password="pw-123456789"))
    order = released_order(("MUG", 1))
    assert 'id="cancel"' in client.get(f"/orders/{order.number}/").content.decode()
    run = start()
    pick_confirmed(run=run, article=shelves["mug"], location=shelves["b"], quantity=1, actor=TESTER)
    order_pack(order=order, items=[PackItem("MUG", 1)], parcels=[PARCEL], actor=TESTER)
    assert 'id="cancel"' not in client.get(f"/orders/{order.number}/").content.decode()
    # and posting the form anyway shows the refusal, cancelling nothing
    response = client.post(f"/orders/{order.number}/cancel/", {"reason": "x"}, follow=True)
    assert "is packed" in response.content.decode()
    assert SalesOrder.objects.get(pk=order.pk).status == "open"
