"""Writes to the pick-run tables (STYLE 4): a run with its orders (totes) and items, picks
confirmed against it, orders closed when packed."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import F

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, event, record, record_many
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import NumberKind
from kontorhaus.core.numbering import next_number
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.inventory.models import Location

from .models_picking import PickItem, PickRun, PickRunOrder
from .states_picking import PICK_RUN_TRANSITIONS, PickRunMode, PickRunStatus


@dataclass(frozen=True)
class PlannedItem:
    """Units of one order line to take from one bin (from the order's reservations)."""

    order_number: str
    line_position: int
    article_id: int
    location_id: int
    quantity: int


@dataclass(frozen=True)
class PickAllocation:
    """What one confirmed pick took, for one order line."""

    order_number: str
    line_position: int
    article_id: int
    quantity: int
    location_id: int = 0


@dataclass(frozen=True)
class Pick:
    """The picker took `quantity` x `article` from `location`."""

    article: Article
    location: Location
    quantity: int


@operation
def pick_run_create(*, mode: str, carrier: str, order_numbers: Sequence[str], items: Sequence[PlannedItem],
                    actor: Actor) -> PickRun:
    """A pick run for these orders (one tote each, in the given order) and their items. The
    caller holds the orders' locks; an order already on an open run fails the partial unique
    index, so it can never be on two."""
    if mode not in PickRunMode.values:
        raise InvalidInput("mode is single, batch, carrier or single_line", details={"field": "mode"})
    if not order_numbers or not items:
        raise InvalidInput("no released order with stock in the bins to pick", details={"field": "orders"})
    tote_of = {number: tote for tote, number in enumerate(order_numbers, start=1)}
    run = PickRun(mode=mode, carrier=carrier, created_by=str(actor), created_at=clock.now())
    run.number = next_number(kind=NumberKind.PICK_RUN, on=clock.today())
    run.save(force_insert=True)
    # Thousands of rows: multi-row INSERTs of plain tuples, several times faster than
    # bulk_create's model instances (measured: 5,000 orders x 3 lines, 2.9 s -> 0.5 s on SQLite).
    _insert_many(PickRunOrder, ("run_id", "order_number", "tote", "closed"),
                 [(run.pk, number, tote, False) for number, tote in tote_of.items()])
    _insert_many(PickItem, ("run_id", "order_number", "tote", "line_position", "article_id", "location_id",
                            "quantity", "picked_quantity"),
                 [(run.pk, i.order_number, tote_of[i.order_number], i.line_position, i.article_id, i.location_id,
                   i.quantity, 0) for i in items])
    record(action=AuditAction.FULFILLMENT_PICK_RUN_CREATED, obj=run, actor=actor,
           data={"mode": mode, "carrier": carrier, "orders": len(tote_of), "units": sum(i.quantity for i in items)})
    return run


def _insert_many(model: type[PickItem] | type[PickRunOrder], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Multi-row INSERTs, as many rows per statement as the database takes parameters."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c.removesuffix("_id")).column) for c in columns)
    row = f"({', '.join(['%s'] * len(columns))})"
    size = max(1, min(1000, (connection.features.max_query_params or 999_999) // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))}",  # noqa: S608
                           [value for values in chunk for value in values])


def _lock_open(run: PickRun) -> PickRun:
    run = PickRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PickRunStatus.OPEN:
        raise InvalidInput(f"pick run {run.number} is {run.status}", details={"field": "run"})
    return run


@operation
def pick_confirm(*, run: PickRun, picks: Sequence[Pick], actor: Actor,
                 skip_orders: frozenset[str] = frozenset()) -> list[PickAllocation]:
    """Confirm picks for this run (one scan, or a whole list ticked off at once): each pick's
    units go to the run's totes in tote order (not to `skip_orders`: cancelled since). A pick
    of more than the run still needs from that bin is refused and nothing is counted.
    Completes the run when its last unit is picked."""
    run = _lock_open(run)
    if not picks:
        raise InvalidInput("no pick to confirm", details={"field": "picks"})
    if any(pick.quantity <= 0 for pick in picks):
        raise InvalidInput("quantity must be positive", details={"field": "quantity"})
    open_items: dict[tuple[int, int], list[PickItem]] = defaultdict(list)
    for item in (PickItem.objects.filter(run=run, article_id__in={p.article.pk for p in picks},
                                         location_id__in={p.location.pk for p in picks},
                                         picked_quantity__lt=F("quantity"))
                 .exclude(order_number__in=skip_orders).order_by("tote", "line_position", "pk")):
        open_items[(item.article_id, item.location_id)].append(item)
    allocations: list[PickAllocation] = []
    events = []
    for pick in picks:
        taken = _take_for_totes(run, pick, open_items[(pick.article.pk, pick.location.pk)])
        allocations += taken
        events.append(event(action=AuditAction.FULFILLMENT_PICK_CONFIRMED, obj=run, actor=actor,
                            data={"sku": pick.article.sku, "bin": pick.location.code, "quantity": pick.quantity,
                                  "orders": sorted({a.order_number for a in taken})}))
    record_many(events)
    _complete_if_picked(run, actor)
    return allocations


def _take_for_totes(run: PickRun, pick: Pick, items: list[PickItem]) -> list[PickAllocation]:
    article, location = pick.article, pick.location
    open_units = sum(item.quantity - item.picked_quantity for item in items)
    if not open_units:
        raise InvalidInput(f"{article.sku} is not to be picked from {location} on {run.number}",
                           details={"field": "sku", "sku": article.sku, "bin": location.label or location.code})
    if pick.quantity > open_units:
        raise InvalidInput(f"only {open_units} x {article.sku} are still to be picked from {location}",
                           details={"field": "quantity", "open": open_units})
    allocations, wanted = [], pick.quantity
    for item in items:
        take = min(item.quantity - item.picked_quantity, wanted)
        if take <= 0:
            continue
        PickItem.objects.filter(pk=item.pk).update(picked_quantity=F("picked_quantity") + take)
        item.picked_quantity += take  # a later pick of the same row in this call sees it
        allocations.append(PickAllocation(item.order_number, item.line_position, item.article_id, take,
                                          item.location_id))
        wanted -= take
        if not wanted:
            break
    return allocations


@operation
def pick_run_order_close(*, order_number: str, actor: Actor) -> dict[int, int]:
    """The order was packed or cancelled: it leaves its open pick run (a packed order may join
    a later one for the rest). Units of it not picked by then are dropped from the run (after
    packing they stay reserved in their bins for a later run; after a cancellation they are
    released); returns them per line position, for sales to take off the pick list. A run
    whose last open unit is dropped is complete. Locks: the entry, then the run, then its
    items — the order pick_confirm takes them in (run, items)."""
    entry = PickRunOrder.objects.select_for_update().filter(order_number=order_number, closed=False).first()
    if entry is None:
        return {}
    run = PickRun.objects.select_for_update().get(pk=entry.run_id)
    PickRunOrder.objects.filter(pk=entry.pk).update(closed=True)
    dropped: dict[int, int] = defaultdict(int)
    for item in PickItem.objects.filter(run_id=entry.run_id, order_number=order_number,
                                        picked_quantity__lt=F("quantity")):
        dropped[item.line_position] += item.quantity - item.picked_quantity
        if item.picked_quantity:
            PickItem.objects.filter(pk=item.pk).update(quantity=F("picked_quantity"))
        else:
            PickItem.objects.filter(pk=item.pk).delete()
    if dropped:
        _complete_if_picked(run, actor)
    return dict(dropped)


def _complete_if_picked(run: PickRun, actor: Actor) -> None:
    if run.status == PickRunStatus.OPEN and not PickItem.objects.filter(
            run=run, picked_quantity__lt=F("quantity")).exists():
        fields = transition(run, to=PickRunStatus.COMPLETED, table=PICK_RUN_TRANSITIONS,
                            action=AuditAction.FULFILLMENT_PICK_RUN_COMPLETED, actor=actor)
        run.save(update_fields=fields)
