"""Pick run: released orders are collected into one walk through the warehouse, and picks are
confirmed as the picker goes.

Creating a run, in one transaction: the released, ready orders not on an open pick list and
with reserved units in bins are locked (oldest first; one order, a batch of N, one carrier's
or the one-line orders) -> locked, they are checked again against runs committed meanwhile ->
their reservations in bins become the run's items (one tote per order) -> sales counts the
units as on a pick list, so the orders are "picking".

Confirming a pick (sku, bin, quantity), in one transaction: the run's open items of that
article and bin take the units in tote order (more than is open is refused) -> each order's
units move from the bin to the packing area (inventory.stock_pick) -> sales counts them
picked. The run's orders of that article and bin are locked first (as packing and cancelling
lock them); orders cancelled since are passed over.
"""

from collections import defaultdict
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
    planned_items_for,
)
from kontorhaus.fulfillment.services_picking import PickAllocation, group_allocations, pick_confirm, pick_run_create
from kontorhaus.fulfillment.states_picking import PickRunMode
from kontorhaus.inventory.models import Location
from kontorhaus.inventory.services_bins import stock_pick
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import PickableFilter, order_get, order_pickable_list, orders_lock
from kontorhaus.sales.services_fulfillment import order_lines_picked, orders_picking_start
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


@flow
def pick_confirmed(*, run: PickRun, article: Article, location: Location, quantity: int,
                   actor: Actor) -> list[PickAllocation]:
    """A picker took `quantity` x `article` from `location` for this run."""
    # The orders first (sorted by primary key), then the run, its items, the reservations and
    # stock rows: the order packing and cancelling lock in, so they never wait on each other
    # crosswise. Locked, a cancellation is either done (and the order passed over) or waits.
    orders = orders_lock(numbers=pick_item_order_numbers(run=run, article=article, location=location))
    cancelled = frozenset(number for number, order in orders.items() if order.status == SalesOrderStatus.CANCELLED)
    allocations = pick_confirm(run=run, article=article, location=location, quantity=quantity, actor=actor,
                               skip_orders=cancelled)
    for order_number, lines in sorted(group_allocations(allocations).items()):
        _pick_for_order(orders[order_number], article, location, lines, actor)
    return allocations


def _pick_for_order(order: SalesOrder, article: Article, location: Location, lines: dict[int, int],
                    actor: Actor) -> None:
    units = sum(lines.values())
    picked = stock_pick(order_number=order.number, article=article, quantity=units, actor=actor, location=location)
    if sum(p.quantity for p in picked) != units:
        raise InsufficientStock(f"order {order.number} has fewer than {units} x {article.sku} reserved in {location}",
                                details={"sku": article.sku, "order_number": order.number})
    order_lines_picked(order=order, quantities=lines, actor=actor)
