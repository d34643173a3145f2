"""Pick run: released orders are collected into one walk through the warehouse, and picks are
confirmed as the picker goes.

Creating a run, in one transaction: the released, ready orders not on an open pick list and
with reserved units in bins are locked (oldest first; one order, a batch of N, one carrier's
or the one-line orders) -> locked, they are checked again against runs committed meanwhile ->
their reservations in bins become the run's items (one tote per order) -> sales counts the
units as on a pick list, so the orders are "picking".

Confirming picks (sku, bin, quantity — one scan, or the whole list ticked off at once), in
one transaction: the run's open items of each article and bin take the units in tote order
(more than is open is refused) -> each order's units move from the bins to the packing area
(inventory.stock_pick_from_bins) -> sales counts them picked, once per order. The run's
orders with those articles and bins are locked first (as packing and cancelling lock them);
orders cancelled since are passed over.

Closing a run short (the picker could not find the rest), in one transaction: its orders with
units not picked are locked -> those units leave the run (they stay reserved in their bins for
a count and a later run; what was picked waits in the packing area) -> sales takes them off the
pick list -> the run is complete.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.fulfillment.models import PickRun
from kontorhaus.fulfillment.selectors_picking import (
    bin_reserved_order_numbers,
    open_pick_order_numbers,
    open_pick_order_numbers_among,
    pick_item_order_numbers,
    pick_rows,
    pick_run_short_order_numbers,
    planned_items_for,
)
from kontorhaus.fulfillment.services_picking import (
    Pick,
    PickAllocation,
    pick_confirm,
    pick_run_create,
    pick_run_order_close,
)
from kontorhaus.fulfillment.states_picking import PickRunMode
from kontorhaus.inventory.models import Location
from kontorhaus.inventory.services_bins import PickFromBin, stock_pick_from_bins
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import PickableFilter, order_get, order_pickable_list, orders_lock
from kontorhaus.sales.services_fulfillment import order_lines_pick_dropped, order_lines_picked, orders_picking_start
from kontorhaus.sales.states import SalesOrderStatus

MAX_RUN_ORDERS = 10_000


@dataclass(frozen=True)
class PickRunRequest:
    mode: str
    order_number: str = ""
    size: int | None = None  # batch: how many orders (oldest first); others: at most this many
    carrier: str = ""


def _filter(request: PickRunRequest) -> PickableFilter:
    if request.mode not in PickRunMode.values:
        raise InvalidInput("mode is single, batch, carrier or single_line", details={"field": "mode"})
    if request.size is not None and not 1 <= request.size <= MAX_RUN_ORDERS:
        raise InvalidInput(f"size is between 1 and {MAX_RUN_ORDERS}", details={"field": "size"})
    if request.mode == PickRunMode.SINGLE:
        if not request.order_number:
            raise InvalidInput("a single-order pick run needs the order number", details={"field": "order_number"})
        return PickableFilter(order_number=request.order_number.strip().upper(), limit=1)
    if request.mode == PickRunMode.BATCH and request.size is None:
        raise InvalidInput("a batch needs its size", details={"field": "size"})
    if request.mode == PickRunMode.CARRIER and not request.carrier.strip():
        raise InvalidInput("name the carrier (the orders' shipping method)", details={"field": "carrier"})
    return PickableFilter(carrier=request.carrier.strip() if request.mode == PickRunMode.CARRIER else "",
                          single_line=request.mode == PickRunMode.SINGLE_LINE,
                          limit=request.size or MAX_RUN_ORDERS)


@flow
def pick_run_start(*, request: PickRunRequest, actor: Actor) -> PickRun:
    filters = _filter(request)
    orders = order_pickable_list(filters=filters, with_stock_in=bin_reserved_order_numbers(),
                                 not_in=open_pick_order_numbers(), lock=True)
    # Locked now: a run committed while we waited for a lock shows up in a fresh read.
    taken = open_pick_order_numbers_among([o.number for o in orders])
    orders = [o for o in orders if o.number not in taken]
    if not orders:
        _explain_nothing_to_pick(request)
    items = planned_items_for([o.number for o in orders])
    with_items = {item.order_number for item in items}
    orders = [o for o in orders if o.number in with_items]
    run = pick_run_create(mode=request.mode, carrier=filters.carrier, order_numbers=[o.number for o in orders],
                          items=items, actor=actor)
    quantities: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for item in items:
        quantities[item.order_number][item.line_position] += item.quantity
    orders_picking_start(orders=orders, quantities=quantities, run_number=run.number, actor=actor)
    return run


def _explain_nothing_to_pick(request: PickRunRequest) -> None:
    if request.mode != PickRunMode.SINGLE:
        raise InvalidInput("no released order is waiting to be picked", details={"field": "mode"})
    order = order_get(number=request.order_number.strip().upper())  # NotFound (404) for an unknown number
    if order.number in open_pick_order_numbers_among([order.number]):
        raise InvalidInput(f"order {order.number} is on an open pick list already",
                           details={"field": "order_number", "reason": "already_picking"})
    raise InvalidInput(f"order {order.number} is not released with stock in the bins ({order.readiness})",
                       details={"field": "order_number", "reason": order.readiness})


def pick_confirmed(*, run: PickRun, article: Article, location: Location, quantity: int,
                   actor: Actor) -> list[PickAllocation]:
    """A picker took `quantity` x `article` from `location` for this run (one scan)."""
    return picks_confirmed(run=run, picks=[Pick(article, location, quantity)], actor=actor)


def pick_list_confirmed(*, run: PickRun, actor: Actor) -> list[PickAllocation]:
    """The picker ticked off the whole list: every open row as printed. A row picked by a
    scan meanwhile makes it refuse (more than is open), and nothing is counted."""
    picks = [Pick(row.article, row.location, row.open) for row in pick_rows(run=run) if row.open > 0]
    if not picks:
        raise InvalidInput(f"nothing is left to pick on {run.number}", details={"field": "run"})
    return picks_confirmed(run=run, picks=picks, actor=actor)


@flow
def picks_confirmed(*, run: PickRun, picks: Sequence[Pick], actor: Actor) -> list[PickAllocation]:
    # The orders first (sorted by primary key), then the run, its items, the reservations and
    # stock rows: the order packing and cancelling lock in, so they never wait on each other
    # crosswise. Locked, a cancellation is either done (and the order passed over) or waits.
    orders = orders_lock(numbers=pick_item_order_numbers(run=run, pairs=[(p.article.pk, p.location.pk)
                                                                          for p in picks]))
    cancelled = frozenset(number for number, order in orders.items() if order.status == SalesOrderStatus.CANCELLED)
    allocations = pick_confirm(run=run, picks=picks, actor=actor, skip_orders=cancelled)
    articles = {p.article.pk: p.article for p in picks}
    locations = {p.location.pk: p.location for p in picks}
    per_order: dict[str, list[PickAllocation]] = defaultdict(list)
    for allocation in allocations:
        per_order[allocation.order_number].append(allocation)
    for order_number, taken in sorted(per_order.items()):
        _pick_for_order(orders[order_number], taken, articles, locations, actor)
    return allocations


def _pick_for_order(order: SalesOrder, taken: list[PickAllocation], articles: dict[int, Article],
                    locations: dict[int, Location], actor: Actor) -> None:
    units: dict[tuple[int, int], int] = defaultdict(int)  # (article, bin) -> units
    lines: dict[int, int] = defaultdict(int)  # line position -> units
    for allocation in taken:
        units[(allocation.article_id, allocation.location_id)] += allocation.quantity
        lines[allocation.line_position] += allocation.quantity
    picked = stock_pick_from_bins(order_number=order.number, actor=actor, picks=[
        PickFromBin(articles[article_id], locations[location_id], quantity)
        for (article_id, location_id), quantity in units.items()])
    got: dict[tuple[int, int], int] = defaultdict(int)
    for p in picked:
        got[(p.article_id, p.location.pk)] += p.quantity
    for (article_id, location_id), quantity in units.items():
        if got[(article_id, location_id)] != quantity:
            article, location = articles[article_id], locations[location_id]
            raise InsufficientStock(f"order {order.number} has fewer than {quantity} x {article.sku} reserved "
                                    f"in {location}", details={"sku": article.sku, "order_number": order.number})
    order_lines_picked(order=order, quantities=dict(lines), actor=actor)


@flow
def pick_run_closed_short(*, run: PickRun, actor: Actor) -> dict[str, dict[int, int]]:
    """The picker could not find the rest of the list: what is not picked leaves the run and
    the run is complete. Returns the units dropped per order and line position."""
    orders = orders_lock(numbers=pick_run_short_order_numbers(run=run))
    dropped_all: dict[str, dict[int, int]] = {}
    for number, order in sorted(orders.items()):
        dropped = pick_run_order_close(order_number=number, actor=actor)
        if dropped:
            order_lines_pick_dropped(order=order, quantities=dropped, actor=actor)
            dropped_all[number] = dropped
    if not dropped_all:
        raise InvalidInput(f"nothing is left to pick on {run.number}", details={"field": "run"})
    return dropped_all
