from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor, AuditAction, event, record, record_many
from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.core.transactions import operation

from .models import (
    Location,
    LocationKind,
    StockLevel,
    StockMove,
    StockMoveReason,
    StockPolicy,
    StockReservation,
    Warehouse,
)
from .services_availability import availability_check

# Stock is promised from bins only. The packing area holds units already picked for an order
# (reserved there); a cancelled order's picked units go back to a bin (stock_release).
SELLABLE_KINDS = (LocationKind.STOCK,)
PACKING_WALK_ORDER = 10_000_001  # after every bin
ADJUST_REASONS = frozenset({StockMoveReason.ADJUSTMENT, StockMoveReason.COUNT, StockMoveReason.RECEIPT,
                            StockMoveReason.WRITE_OFF})


@dataclass(frozen=True)
class ReservationRequest:
    article: Article
    quantity: int
    line_position: int


@dataclass(frozen=True)
class ReservationResult:
    line_position: int
    reserved: int
    backordered: int


def _location(code: str, kind: LocationKind, *, warehouse: Warehouse | None = None) -> Location:
    """The location with this code, created on first use (a stock location without a given
    warehouse is the main bin of a warehouse of the same code)."""
    location = Location.objects.filter(code=code).first()
    if location is not None:
        return location
    try:
        with transaction.atomic():
            if kind == LocationKind.STOCK and warehouse is None:
                warehouse, _ = Warehouse.objects.get_or_create(code=code, defaults={"name": code})
            return Location.objects.create(code=code, label=code.split(":")[-1], kind=kind, warehouse=warehouse)
    except IntegrityError:
        return Location.objects.get(code=code)


def stock_location_default() -> Location:
    return _location(settings.KONTORHAUS["DEFAULT_WAREHOUSE"], LocationKind.STOCK)


def _reservable_levels(article: Article) -> list[StockLevel]:
    """The article's bins with free stock in sellable warehouses, locked, in the order stock is
    promised from them: warehouse by warehouse in walking order (the same order for every
    transaction, so two never wait on each other crosswise)."""
    return list(
        StockLevel.objects.select_for_update(of=("self",))
        .filter(article=article, location__kind__in=SELLABLE_KINDS, location__warehouse__sellable=True,
                on_hand__gt=F("reserved"))
        .select_related("location")
        .order_by("location__warehouse_id", "location__walk_order", "location_id")
    )


# The common case in one statement: the first bin (in the order of _reservable_levels) that has
# the whole quantity free takes it; the UPDATE checks again under the row lock, so a concurrent
# order that took the units first makes it match nothing, and the bin-by-bin path runs.
_RESERVE_ONE_BIN = (
    f"UPDATE {StockLevel._meta.db_table} SET reserved = reserved + %s "  # noqa: S608 - our table names
    f"WHERE on_hand - reserved >= %s AND id = ("
    f"SELECT sl.id FROM {StockLevel._meta.db_table} sl "
    f"JOIN {Location._meta.db_table} l ON l.id = sl.location_id "
    f"JOIN {Warehouse._meta.db_table} w ON w.id = l.warehouse_id "
    f"WHERE sl.article_id = %s AND l.kind = %s AND w.sellable AND sl.on_hand - sl.reserved >= %s "
    f"ORDER BY l.warehouse_id, l.walk_order, l.id LIMIT 1) RETURNING location_id"
)


def _reserve_in_one_bin(request: ReservationRequest) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_ONE_BIN, [request.quantity, request.quantity, request.article.pk,
                                          LocationKind.STOCK, request.quantity])
        row = cursor.fetchone()
    return row[0] if row else None


def _reserve(request: ReservationRequest, order_number: str) -> list[StockReservation]:
    """As much of the request as the bins have: all from one bin in one statement when one has
    it, else bin by bin, each a guarded UPDATE."""
    location_id = _reserve_in_one_bin(request)
    if location_id is not None:
        return [StockReservation(article=request.article, location_id=location_id, order_number=order_number,
                                 line_position=request.line_position, quantity=request.quantity)]
    wanted, reservations = request.quantity, []
    for level in _reservable_levels(request.article):
        take = min(level.available, wanted)
        if take > 0 and StockLevel.objects.filter(pk=level.pk, on_hand__gte=F("reserved") + take).update(
                reserved=F("reserved") + take):
            reservations.append(StockReservation(article=request.article, location=level.location,
                                                 order_number=order_number, line_position=request.line_position,
                                                 quantity=take))
            wanted -= take
        if not wanted:
            break
    return reservations


def _available(article: Article) -> int:
    return sum(level.available for level in StockLevel.objects.filter(
        article=article, location__kind__in=SELLABLE_KINDS, location__warehouse__sellable=True))


@operation
def stock_reserve(
    *, requests: Sequence[ReservationRequest], order_number: str, require_all: bool, actor: Actor
) -> list[ReservationResult]:
    """Reserve stock for order lines; what is not there is backordered, or with `require_all`
    the whole call fails with InsufficientStock and (by rollback) reserves nothing.

    A line is taken from the article's bins one after the other (rows locked, then a guarded
    UPDATE each: reserved + n <= on_hand), in article order so two orders never wait on each
    other's rows in opposite order."""
    results: dict[int, ReservationResult] = {}
    reservations, missing = [], []
    for request in sorted(requests, key=lambda r: (r.article.pk, r.line_position)):
        taken_rows = _reserve(request, order_number)
        taken = sum(r.quantity for r in taken_rows)
        if taken < request.quantity:
            missing.append({"sku": request.article.sku, "wanted": request.quantity,
                            "available": taken if not require_all else _available(request.article) + taken})
        reservations += taken_rows
        results[request.line_position] = ReservationResult(request.line_position, taken, request.quantity - taken)
    if missing and require_all:
        raise InsufficientStock("not enough stock for this order", details={"lines": missing})
    StockReservation.objects.bulk_create(reservations)
    entries = []
    if reservations:
        lines = [{"sku": r.article.sku, "quantity": r.quantity} for r in reservations]
        entries.append(event(action=AuditAction.INVENTORY_STOCK_RESERVED, actor=actor,
                             order_number=order_number, data={"lines": lines}))
    if missing:
        entries.append(event(action=AuditAction.INVENTORY_STOCK_BACKORDERED, actor=actor,
                             order_number=order_number, data={"lines": missing}))
    record_many(entries)
    availability_check(articles=[r.article for r in reservations], actor=actor)
    return [results[r.line_position] for r in requests]


@operation
def stock_release(*, order_number: str, actor: Actor) -> int:
    """Give back everything reserved for an order (cancellation). Units already picked go from
    the packing area back to the article's bin (a put-away move), where they can be promised
    and picked again. Returns units released."""
    reservations = list(
        StockReservation.objects.select_for_update(of=("self",)).filter(order_number=order_number)
        .select_related("article", "location").order_by("article_id", "pk")
    )
    for reservation in reservations:
        StockLevel.objects.filter(article_id=reservation.article_id, location_id=reservation.location_id).update(
            reserved=F("reserved") - reservation.quantity
        )
        if reservation.location.kind == LocationKind.PACKING:
            _put_away(reservation, actor)
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).delete()
    released = sum(r.quantity for r in reservations)
    if released:
        record(action=AuditAction.INVENTORY_RESERVATION_RELEASED, actor=actor,
               order_number=order_number, data={"units": released})
    availability_check(articles=[r.article for r in reservations], actor=actor)
    return released


def bin_lock_active(location: Location) -> None:
    """Stock goes only into a bin somebody walks to; the row lock keeps a deactivation out
    until the stock is in (bins are deactivated empty)."""
    if not Location.objects.select_for_update().filter(pk=location.pk, active=True).exists():
        raise InvalidInput(f"bin {location} is not in use any more", details={"field": "location"})


def _put_away(reservation: StockReservation, actor: Actor) -> None:
    packing, article = reservation.location, reservation.article
    target = stock_bin_for(article, packing.warehouse)
    if not target.active:
        target = warehouse_main_location(packing.warehouse)
    StockLevel.objects.filter(article=article, location=packing).update(on_hand=F("on_hand") - reservation.quantity)
    level, _ = StockLevel.objects.get_or_create(article=article, location=target)
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + reservation.quantity)
    StockMove.objects.create(article=article, from_location=packing, to_location=target,
                             quantity=reservation.quantity, reason=StockMoveReason.TRANSFER,
                             reference=reservation.order_number, note="put away: order cancelled", actor=str(actor))


def stock_bin_for(article: Article, warehouse: Warehouse | None = None) -> Location:
    """Where stock of the article is put away: its default bin in the warehouse, else the
    warehouse's main location."""
    main = stock_location_default() if warehouse is None else warehouse_main_location(warehouse)
    policy = StockPolicy.objects.filter(article=article, warehouse_id=main.warehouse_id).select_related(
        "default_bin").first()
    return policy.default_bin if policy is not None and policy.default_bin is not None else main


def warehouse_main_location(warehouse: Warehouse) -> Location:
    return _location(warehouse.code, LocationKind.STOCK)


@operation
def stock_adjust(*, article: Article, delta: int, reason: str, note: str, actor: Actor,  # noqa: PLR0913 -- a ledger entry
                 location: Location | None = None, reference: str = "") -> StockMove:
    """Book a counted difference, a receipt or a write-off in a bin (default: the article's
    bin): +n from the virtual loss/supplier location into it, -n out of it. On-hand never drops
    below what is reserved there."""
    if not article.is_stocked:
        raise InvalidInput(f"{article.sku} is not a stocked article", details={"field": "sku"})
    if delta == 0:
        raise InvalidInput("quantity must not be zero", details={"field": "quantity"})
    if reason not in ADJUST_REASONS:
        raise InvalidInput(f"unknown reason {reason}", details={"field": "reason"})
    if reason == StockMoveReason.RECEIPT and delta < 0:
        raise InvalidInput("a receipt adds stock", details={"field": "quantity"})
    stock = location if location is not None else stock_bin_for(article)
    if stock.kind != LocationKind.STOCK:
        raise InvalidInput(f"{stock} is not a bin", details={"field": "location"})
    if delta > 0:
        bin_lock_active(stock)
    virtual = _location("SUPPLIER", LocationKind.SUPPLIER) if reason == StockMoveReason.RECEIPT else _location(
        "LOSS", LocationKind.LOSS
    )
    level, _ = StockLevel.objects.get_or_create(article=article, location=stock)
    if delta > 0:
        StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + delta)
        source, target = virtual, stock
    else:
        changed = StockLevel.objects.filter(pk=level.pk, on_hand__gte=F("reserved") - delta).update(
            on_hand=F("on_hand") + delta
        )
        if not changed:
            raise InsufficientStock(
                f"cannot remove {-delta} x {article.sku}: stock is reserved or not there",
                details={"sku": article.sku},
            )
        source, target = stock, virtual
    move = StockMove.objects.create(
        article=article, from_location=source, to_location=target, quantity=abs(delta),
        reason=reason, reference=reference[:64], note=note[:200], actor=str(actor),
    )
    record(action=AuditAction.INVENTORY_STOCK_ADJUSTED, obj=article, actor=actor,
           data={"delta": delta, "reason": reason, "note": note[:200], "location": stock.code})
    availability_check(articles=[article], actor=actor)
    return move
