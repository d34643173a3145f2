"""The warehouse's progress on an order's lines (STYLE 10): the fulfillment flows report
picking, picking done, packing and handing over here, and sales derives the order's
fulfillment state (and its release gate) from these counters alone — sales never reads the
pick runs or shipments themselves.

Each counter moves by a guarded UPDATE (the row must hold enough of the previous step), so a
flow that reports twice or too much fails and its transaction changes nothing."""

from collections import defaultdict
from collections.abc import Mapping

from django.db.models import F, Q

from kontorhaus.catalog.models import ArticleKind
from kontorhaus.core.audit import Actor, AuditAction, event, record, record_many
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.transactions import operation

from .models import SalesOrder, SalesOrderLine
from .selectors import order_lock
from .services import _record_release, _release_gate, fulfillment_state_of
from .states import PartialDelivery, SalesOrderStatus

_COUNTERS = ("id", "order_id", "position", "article_kind", "quantity", "delivered_quantity", "picking_quantity",
             "picked_quantity", "packed_quantity", "shipped_quantity", "returned_quantity")
Quantities = Mapping[int, int]  # line position -> units
IN_CHUNKS = 2000  # ids per UPDATE ... WHERE id IN (...), far below SQLite's variable limit


@operation
def order_partial_delivery_set(*, order: SalesOrder, partial_delivery: str, actor: Actor) -> SalesOrder:
    """Ship what is there and the rest later, or wait for everything; the release gate
    follows at once (an order partly in stock may become ready)."""
    if partial_delivery not in PartialDelivery.values:
        raise InvalidInput("partial delivery is ship_available or wait", details={"field": "partial_delivery"})
    order = order_lock(order=order)
    if order.partial_delivery == partial_delivery:
        return order
    record(action=AuditAction.SALES_ORDER_PARTIAL_DELIVERY_SET, obj=order, actor=actor, order_number=order.number,
           data={"from": order.partial_delivery, "to": partial_delivery})
    order.partial_delivery = partial_delivery
    _refresh(order, actor, fields=["partial_delivery"])
    return order


def _refresh(order: SalesOrder, actor: Actor, *, fields: list[str], lines: list[SalesOrderLine] | None = None) -> None:
    """Readiness and fulfillment state from the lines' counters (`lines`: all of the order's
    lines as they are now, when the caller has them; else read)."""
    if lines is None:
        lines = list(SalesOrderLine.objects.filter(order=order))
    if _release_gate(order, lines):
        _record_release(order, actor)
    order.save(update_fields=[*fields, "readiness", "released_at", "fulfillment_state"])


def _physical_lines(order: SalesOrder, quantities: Quantities) -> dict[int, SalesOrderLine]:
    """All of the order's lines by position, checked that `quantities` names physical ones."""
    lines = {line.position: line for line in SalesOrderLine.objects.filter(order=order)}
    for position, quantity in quantities.items():
        line = lines.get(position)
        if line is None or line.article_kind != ArticleKind.PHYSICAL:
            raise InvalidInput(f"line {position} is not a physical line of {order.number}",
                               details={"field": "lines", "position": position})
        if quantity <= 0:
            raise InvalidInput("quantity must be positive", details={"field": "quantity", "position": position})
    return lines


def _move(order: SalesOrder, quantities: Quantities, guard: str, changes: dict, what: str) -> list[SalesOrderLine]:
    """One guarded UPDATE per line: `guard` names the condition (as a Q over F(...) of the
    quantity) the row must meet; `changes` the counters to move by the quantity. Returns all
    the order's lines with the counters as they are now (the order is locked: nobody else
    moves them meanwhile)."""
    lines = _physical_lines(order, quantities)
    for position, quantity in sorted(quantities.items()):
        condition = _GUARDS[guard](quantity)
        moved = SalesOrderLine.objects.filter(condition, pk=lines[position].pk).update(
            **{name: F(name) + sign * quantity for name, sign in changes.items()})
        if not moved:
            raise InvalidInput(f"{what}: line {position} of {order.number} has fewer than {quantity} units for it",
                               details={"field": "quantity", "position": position})
        for name, sign in changes.items():
            setattr(lines[position], name, getattr(lines[position], name) + sign * quantity)
    return list(lines.values())


def _refuse_cancelled(order: SalesOrder, what: str) -> None:
    if order.status == SalesOrderStatus.CANCELLED:
        raise InvalidTransition(f"order {order.number} is cancelled: nothing of it can be {what}",
                                details={"field": "order", "reason": "cancelled"})


_GUARDS = {
    # reserved and not on a pick list or picked yet (so not picked twice)
    "pickable": lambda q: Q(reserved_quantity__gte=F("picking_quantity") + F("picked_quantity")
                          - F("packed_quantity") + q),
    "on_pick_list": lambda q: Q(picking_quantity__gte=q),
    "picked_not_packed": lambda q: Q(picked_quantity__gte=F("packed_quantity") + q, reserved_quantity__gte=q),
    "packed_not_shipped": lambda q: Q(packed_quantity__gte=F("shipped_quantity") + q),
    "shipped_not_delivered": lambda q: Q(shipped_quantity__gte=F("delivered_quantity") + q),
}


@operation
def order_lines_picked(*, order: SalesOrder, quantities: Quantities, actor: Actor) -> SalesOrder:
    """Units of a pick list were taken to the packing area. Not for a cancelled order (its
    units are no longer on any pick list)."""
    order = order_lock(order=order)
    _refuse_cancelled(order, "picked")
    lines = _move(order, quantities, "on_pick_list", {"picking_quantity": -1, "picked_quantity": 1}, "picked")
    _refresh(order, actor, fields=[], lines=lines)
    return order


@operation
def order_lines_packed(*, order: SalesOrder, quantities: Quantities, actor: Actor) -> SalesOrder:
    """Picked units were packed into a shipment: their stock has left the shelves (the
    reservation is used up), so they no longer count as reserved, and no longer wait."""
    order = order_lock(order=order)
    if order.status != SalesOrderStatus.OPEN:
        raise InvalidInput(f"order {order.number} is {order.status}", details={"field": "order"})
    lines = _move(order, quantities, "picked_not_packed", {"packed_quantity": 1, "reserved_quantity": -1}, "packed")
    _refresh(order, actor, fields=[], lines=lines)
    return order


@operation
def order_lines_shipped(*, order: SalesOrder, quantities: Quantities, actor: Actor) -> SalesOrder:
    """Packed units were handed to the carrier. Not for a cancelled order."""
    order = order_lock(order=order)
    _refuse_cancelled(order, "handed over")
    lines = _move(order, quantities, "packed_not_shipped", {"shipped_quantity": 1}, "shipped")
    _refresh(order, actor, fields=[], lines=lines)
    return order


@operation
def orders_picking_start(*, orders: list[SalesOrder], quantities: Mapping[str, Quantities], run_number: str,
                         actor: Actor) -> None:
    """Put units of many orders on a pick list at once (a pick run of thousands of orders):
    `quantities` per order number and line position. The orders are locked by the caller.

    Bulk by design: one read of the lines, one UPDATE per distinct quantity (guarded: never
    more than is reserved and not yet on a list or picked), one UPDATE per resulting state and
    one bulk insert of the audit events."""
    by_pk = {order.pk: order for order in orders}
    lines = list(SalesOrderLine.objects.filter(order_id__in=list(by_pk)).only(*_COUNTERS)
                 .order_by("order_id", "position"))
    wanted: dict[int, list[int]] = defaultdict(list)  # units -> line ids
    for line in lines:
        quantity = quantities.get(by_pk[line.order_id].number, {}).get(line.position, 0)
        if quantity:
            wanted[quantity].append(line.pk)
            line.picking_quantity += quantity
    expected = sum(len(q) for q in quantities.values())
    if sum(len(ids) for ids in wanted.values()) != expected:
        raise InvalidInput("a pick list names a line its order does not have", details={"field": "lines"})
    for quantity, ids in wanted.items():
        for start in range(0, len(ids), IN_CHUNKS):
            chunk = ids[start:start + IN_CHUNKS]
            moved = SalesOrderLine.objects.filter(_GUARDS["pickable"](quantity), pk__in=chunk).update(
                picking_quantity=F("picking_quantity") + quantity)
            if moved != len(chunk):
                raise InvalidInput("a line has fewer units reserved than its pick list asks for",
                                   details={"field": "lines"})
    _states_after_picking_start(by_pk, lines, run_number, actor)


def _states_after_picking_start(by_pk: dict[int, SalesOrder], lines: list[SalesOrderLine], run_number: str,
                                actor: Actor) -> None:
    lines_of: dict[int, list[SalesOrderLine]] = defaultdict(list)
    for line in lines:
        lines_of[line.order_id].append(line)
    by_state: dict[str, list[int]] = defaultdict(list)
    events = []
    for pk, order in by_pk.items():
        state = fulfillment_state_of(order, lines_of[pk])
        if state != order.fulfillment_state:
            by_state[state].append(pk)
        events.append(event(action=AuditAction.SALES_ORDER_PICKING_STARTED, obj=order, actor=actor,
                            order_number=order.number,
                            data={"pick_run": run_number, "from": order.fulfillment_state, "to": state}))
        order.fulfillment_state = state
    for state, pks in by_state.items():
        for start in range(0, len(pks), IN_CHUNKS):
            SalesOrder.objects.filter(pk__in=pks[start:start + IN_CHUNKS]).update(fulfillment_state=state)
    record_many(events)


@operation
def order_lines_pick_dropped(*, order: SalesOrder, quantities: Quantities, actor: Actor) -> SalesOrder:
    """Units taken off a pick list without being picked (the order was packed without them):
    still reserved in their bins, they wait for a later pick run."""
    order = order_lock(order=order)
    lines = _move(order, quantities, "on_pick_list", {"picking_quantity": -1}, "dropped from the pick list")
    _refresh(order, actor, fields=[], lines=lines)
    return order


@operation
def order_lines_carrier_delivered(*, order: SalesOrder, quantities: Quantities, actor: Actor) -> SalesOrder:
    """The carrier delivered shipped units (tracking says so): once every physical unit is
    delivered, the order's fulfillment state is delivered. Only shipped units can be delivered,
    and each only once (guarded), so a tracking event seen twice changes nothing the second time."""
    order = order_lock(order=order)
    before = order.fulfillment_state
    lines = _move(order, quantities, "shipped_not_delivered", {"delivered_quantity": 1}, "delivered")
    _refresh(order, actor, fields=[], lines=lines)
    record(action=AuditAction.SALES_ORDER_LINES_CARRIER_DELIVERED, obj=order, actor=actor, order_number=order.number,
           data={"lines": dict(sorted(quantities.items())), "from": before, "to": order.fulfillment_state})
    return order


@operation
def order_lines_returned(*, order: SalesOrder, quantities: Quantities, actor: Actor) -> dict[int, int]:
    """Shipped units came back and were inspected (a return): counted per line, at most what
    was shipped and not counted back before — a return registered by hand may name more than
    went out, and the warehouse's inspection must not fail for it. Returns what was counted;
    once every shipped unit is back, the order is "returned"."""
    order = order_lock(order=order)
    lines = {line.position: line for line in SalesOrderLine.objects.filter(order=order)}
    counted = {}
    for position, quantity in sorted(quantities.items()):
        line = lines.get(position)
        if line is None or line.article_kind != ArticleKind.PHYSICAL or quantity <= 0:
            continue
        units = min(quantity, line.shipped_quantity - line.returned_quantity)
        if units > 0 and SalesOrderLine.objects.filter(
                pk=line.pk, shipped_quantity__gte=F("returned_quantity") + units).update(
                returned_quantity=F("returned_quantity") + units):
            line.returned_quantity += units
            counted[position] = units
    if counted:
        before = order.fulfillment_state
        _refresh(order, actor, fields=[], lines=list(lines.values()))
        record(action=AuditAction.SALES_ORDER_LINES_RETURNED, obj=order, actor=actor, order_number=order.number,
               data={"lines": counted, "from": before, "to": order.fulfillment_state})
    return counted
