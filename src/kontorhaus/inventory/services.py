from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor, AuditAction, event, record, record_many
from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.core.transactions import operation

from .models import Location, LocationKind, StockLevel, StockMove, StockMoveReason, StockReservation, Warehouse


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


def _location(code: str, kind: LocationKind) -> Location:
    location = Location.objects.filter(code=code).first()
    if location is not None:
        return location
    try:
        with transaction.atomic():
            warehouse = None
            if kind == LocationKind.STOCK:
                warehouse, _ = Warehouse.objects.get_or_create(code=code, defaults={"name": code})
            return Location.objects.create(code=code, kind=kind, warehouse=warehouse)
    except IntegrityError:
        return Location.objects.get(code=code)


def stock_location_default() -> Location:
    return _location(settings.KONTORHAUS["DEFAULT_WAREHOUSE"], LocationKind.STOCK)


def _reserve_partially(level_filter: dict, wanted: int) -> int:
    level = StockLevel.objects.select_for_update().filter(**level_filter).first()
    if level is None or level.available <= 0:
        return 0
    take = min(level.available, wanted)
    StockLevel.objects.filter(pk=level.pk).update(reserved=F("reserved") + take)
    return take


def _available(level_filter: dict) -> int:
    level = StockLevel.objects.filter(**level_filter).first()
    return max(level.available, 0) if level else 0


@operation
def stock_reserve(
    *, requests: Sequence[ReservationRequest], order_number: str, require_all: bool, actor: Actor
) -> list[ReservationResult]:
    """Reserve stock for order lines; what is not there is backordered, or with `require_all`
    the whole call fails with InsufficientStock and (by rollback) reserves nothing.

    Each line is one guarded UPDATE (reserved + n <= on_hand), in article order so two orders
    never wait on each other's rows in opposite order."""
    location = stock_location_default()
    results: dict[int, ReservationResult] = {}
    reservations, missing = [], []
    for request in sorted(requests, key=lambda r: (r.article.pk, r.line_position)):
        level_filter = {"article": request.article, "location": location}
        reserved = StockLevel.objects.filter(on_hand__gte=F("reserved") + request.quantity, **level_filter).update(
            reserved=F("reserved") + request.quantity
        )
        taken = request.quantity if reserved else 0
        if not taken and not require_all:
            taken = _reserve_partially(level_filter, request.quantity)
        if taken < request.quantity:
            missing.append({"sku": request.article.sku, "wanted": request.quantity,
                            "available": taken if not require_all else _available(level_filter)})
        if taken:
            reservations.append(
                StockReservation(
                    article=request.article, location=location, order_number=order_number,
                    line_position=request.line_position, quantity=taken,
                )
            )
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
    return [results[r.line_position] for r in requests]


@operation
def stock_release(*, order_number: str, actor: Actor) -> int:
    """Give back everything reserved for an order (cancellation). Returns units released."""
    reservations = list(
        StockReservation.objects.select_for_update().filter(order_number=order_number).order_by("article_id", "pk")
    )
    for reservation in reservations:
        StockLevel.objects.filter(article_id=reservation.article_id, location_id=reservation.location_id).update(
            reserved=F("reserved") - reservation.quantity
        )
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).delete()
    released = sum(r.quantity for r in reservations)
    if released:
        record(action=AuditAction.INVENTORY_RESERVATION_RELEASED, actor=actor,
               order_number=order_number, data={"units": released})
    return released


@operation
def stock_adjust(*, article: Article, delta: int, reason: str, note: str, actor: Actor) -> StockMove:
    """Book a counted difference or a receipt: +n from the virtual loss/supplier location into
    stock, -n out of stock. On-hand never drops below what is reserved."""
    if not article.is_stocked:
        raise InvalidInput(f"{article.sku} is not a stocked article", details={"field": "sku"})
    if delta == 0:
        raise InvalidInput("quantity must not be zero", details={"field": "quantity"})
    if reason not in (StockMoveReason.ADJUSTMENT, StockMoveReason.RECEIPT, StockMoveReason.WRITE_OFF):
        raise InvalidInput(f"unknown reason {reason}", details={"field": "reason"})
    stock = stock_location_default()
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
        reason=reason, note=note[:200], actor=str(actor),
    )
    record(action=AuditAction.INVENTORY_STOCK_ADJUSTED, obj=article, actor=actor,
           data={"delta": delta, "reason": reason, "note": note[:200]})
    return move
