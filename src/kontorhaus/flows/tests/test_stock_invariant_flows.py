"""The stock invariant under random sequences of whole warehouse processes (hypothesis), as the
pages and the API run them: order intake (paid or not, more than is in stock), cancel, pick
runs, picks by scan and whole lists, packing (also partial), handover, returns (received and
inspected: back into a bin or written off), goods received, stock counts and write-offs. After
every step, refused or not:

- for every article and location, on hand is the sum of the ledger, nothing is negative and
  reserved never exceeds on hand (inventory.stock_reconcile and the levels);
- what sales counts as reserved on each order line is what inventory holds reserved for it;
- a line's units on a pick list, picked and packed never exceed what it reserved or ordered,
  and what came back never exceeds what was shipped.

The service-level sequences are in inventory/tests/test_stock_invariant.py."""

from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.pack_and_ship import PackItem, default_parcel, order_pack, shipment_handed_over
from kontorhaus.flows.pick_run import PickRunRequest, pick_confirmed, pick_list_confirmed, pick_run_start
from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.flows.stock_counted import stock_counted, stock_written_off
from kontorhaus.flows.stock_received import stock_adjusted
from kontorhaus.fulfillment.models import PickRunOrder
from kontorhaus.fulfillment.selectors_picking import pack_rows, pick_rows, shipment_list_for_order
from kontorhaus.inventory.models import StockLevel, StockReservation
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services import stock_location_default
from kontorhaus.inventory.services_bins import bin_create, stock_policy_set
from kontorhaus.inventory.services_counts import CountLine
from kontorhaus.returns.services import ReturnDraft, ReturnLineDraft
from kontorhaus.returns.services_inspection import LineInspection
from kontorhaus.returns.states import Channel, ReturnReason
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

ARTICLES, BINS = 2, 2
_index = st.integers(0, 7)  # picks the n-th order or run (modulo how many there are)

process = st.one_of(
    st.tuples(st.just("intake"), st.integers(0, ARTICLES - 1), st.integers(1, 4),
              st.sampled_from([True, True, False])),
    # the n-th order one step further: onto a pick run (alone or in a batch), picked (by scan
    # or the whole list), packed (complete or one unit per line); listed thrice, or a sequence
    # would seldom get as far as packing
    st.tuples(st.just("advance"), _index, st.booleans()),
    st.tuples(st.just("advance"), _index, st.booleans()),
    st.tuples(st.just("advance"), _index, st.booleans()),
    st.tuples(st.just("cancel"), _index),
    st.tuples(st.just("return"), _index, st.booleans()),
    st.tuples(st.just("receive"), st.integers(0, ARTICLES - 1), st.integers(1, 6)),
    st.tuples(st.just("count"), st.integers(0, ARTICLES - 1), st.integers(0, BINS - 1), st.integers(0, 6)),
    st.tuples(st.just("write_off"), st.integers(0, ARTICLES - 1), st.integers(0, BINS - 1), st.integers(1, 3)),
)


def _check() -> None:
    assert stock_reconcile() == []
    for level in StockLevel.objects.all():
        assert 0 <= level.reserved <= level.on_hand, level
    held: dict[tuple[str, int], int] = defaultdict(int)
    for row in StockReservation.objects.all():
        held[(row.order_number, row.line_position)] += row.quantity
    for line in SalesOrderLine.objects.filter(article__isnull=False).select_related("order"):
        assert line.reserved_quantity == held.pop((line.order.number, line.position), 0), line
        assert line.picking_quantity + line.picked_quantity - line.packed_quantity <= line.reserved_quantity, line
        assert line.packed_quantity <= line.picked_quantity <= line.quantity, line
        assert line.returned_quantity <= line.shipped_quantity <= line.packed_quantity, line
    assert not {key: units for key, units in held.items() if units}, held  # no reservation without its line


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(process, min_size=5, max_size=30))
def test_random_order_and_warehouse_processes_keep_the_stock_invariant(steps):
    with transaction.atomic():  # each example starts from nothing (rolled back below)
        warehouse = stock_location_default().warehouse
        bins = [bin_create(warehouse=warehouse, label=f"R-0{i}", walk_order=i, actor=TESTER) for i in range(BINS)]
        articles = [make_article(sku=f"P{i}") for i in range(ARTICLES)]
        for i, article in enumerate(articles):
            stock_policy_set(article=article, warehouse=warehouse, default_bin=bins[i % BINS], reorder_point=None,
                             target_level=None, actor=TESTER)
            stock_adjusted(article=article, delta=4, reason="receipt", note="", actor=TESTER)
        place_order(lines=[(articles[0].sku, 2, "10.00"), (articles[1].sku, 1, "10.00")], paid=True)
        place_order(lines=[(articles[1].sku, 2, "10.00")], paid=True)
        shipped = place_order(lines=[(articles[0].sku, 2, "10.00"), (articles[1].sku, 1, "10.00")], paid=True).order
        for _ in range(4):  # onto a pick run, picked, packed, handed over: something to send back
            _advance(shipped, whole=True)
        for step in steps:
            _apply(step, articles, bins)
            _check()
        transaction.set_rollback(True)


def _nth(items: list, index: int):
    return items[index % len(items)] if items else None


def _apply(step: tuple, articles: list, bins: list) -> None:
    kind, *args = step
    orders = list(SalesOrder.objects.order_by("pk"))
    try:
        with transaction.atomic():  # a refused step changes nothing
            done = _run(kind, args, articles, bins, orders)
        event(f"{done or kind} {'done' if done else 'nothing to do'}")
    except DomainError:  # refused (nothing to pick, not picked, on a pick list …): nothing changed, checked next
        event(f"{kind} refused")


def _run(kind: str, args: list, articles: list, bins: list, orders: list) -> str:  # noqa: PLR0911
    """Runs the step; says what it did ("" when there was nothing to run it on)."""
    if kind == "intake":
        article, quantity, paid = articles[args[0]], args[1], args[2]
        place_order(lines=[(article.sku, quantity, "10.00")], paid=paid)
        return "intake"
    if kind == "advance" and orders:
        return _advance(_nth(orders, args[0]), whole=args[1])
    if kind == "return":  # the n-th of the orders with something to send back
        shipped = [o for o in orders if o.lines.filter(shipped_quantity__gt=F("returned_quantity")).exists()]
        return _return_one(_nth(shipped, args[0]), resellable=args[1]) if shipped else ""
    if kind == "cancel" and orders:
        order_cancel(order=_nth(orders, args[0]), reason="test", actor=TESTER)
        return "cancel"
    if kind == "receive":
        stock_adjusted(article=articles[args[0]], delta=args[1], reason="receipt", note="", actor=TESTER)
        return "receive"
    if kind == "count":
        stock_counted(lines=[CountLine(articles[args[0]], bins[args[1]], args[2])], note="", actor=TESTER)
        return "count"
    if kind == "write_off":
        stock_written_off(article=articles[args[0]], location=bins[args[1]], quantity=args[2], cause="damage",
                          note="", actor=TESTER)
        return "write_off"
    return ""


def _advance(order: SalesOrder, *, whole: bool) -> str:
    entry = PickRunOrder.objects.filter(order_number=order.number, closed=False).select_related("run").first()
    if entry is not None and entry.run.status == "open":
        if whole:
            pick_list_confirmed(run=entry.run, actor=TESTER)
            return "pick list"
        row = next(r for r in pick_rows(run=entry.run) if r.open)
        pick_confirmed(run=entry.run, article=row.article, location=row.location, quantity=1, actor=TESTER)
        return "pick scan"
    packed = next((s for s in shipment_list_for_order(order_number=order.number) if s.status == "packed"), None)
    if packed is not None:
        shipment_handed_over(shipment=packed, actor=TESTER)
        return "handover"
    ready = [row for row in pack_rows(order=order) if row.ready]
    if ready:
        items = [PackItem(row.sku, row.ready if whole else 1) for row in ready]
        order_pack(order=order, items=items, parcels=[default_parcel(order)], actor=TESTER)
        return "pack"
    if whole:
        pick_run_start(request=PickRunRequest(mode="batch", size=3), actor=TESTER)
        return "batch pick run"
    pick_run_start(request=PickRunRequest(mode="single", order_number=order.number), actor=TESTER)
    return "single pick run"


def _return_one(order: SalesOrder, *, resellable: bool) -> str:
    """One unit of the first line with units shipped and not back yet: registered, received,
    inspected (back into its bin, or damaged and written off)."""
    line = next((line for line in order.lines.filter(article__isnull=False).order_by("position")
                 if line.shipped_quantity > line.returned_quantity), None)
    if line is None:
        return ""
    request = return_register_and_notify(actor=TESTER, notify=False, draft=ReturnDraft(
        channel=Channel.PORTAL, order=order, lines=(ReturnLineDraft(
            reason=ReturnReason.DOES_NOT_FIT, quantity=1, order=order, position=line.position),)))
    request = return_goods_received(request=request, actor=TESTER)
    condition, disposition = ("resellable", "restocked") if resellable else ("damaged", "written_off")
    return_inspect(request=request, actor=TESTER,
                   inspections=[LineInspection(position=1, condition=condition, disposition=disposition)])
    return f"return {disposition}"
