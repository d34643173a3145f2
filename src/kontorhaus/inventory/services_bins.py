"""Warehouses and their bins, and the moves inside a warehouse: between bins, from a bin to the
packing area (picking), and out to the customer (shipping). Every move is a ledger entry; the
counters beside it change in the same transaction with guarded updates, so on-hand never
drops below zero or below what is reserved, per bin."""

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor, AuditAction, record
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
from .services import PACKING_WALK_ORDER, _location, bin_lock_active
from .services_availability import availability_check

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


def packing_location(warehouse: Warehouse) -> Location:
    location = _location(f"{warehouse.code}:PACK", LocationKind.PACKING, warehouse=warehouse)
    if location.walk_order != PACKING_WALK_ORDER:  # reserved from last (services._reservable_levels)
        Location.objects.filter(pk=location.pk).update(walk_order=PACKING_WALK_ORDER)
        location.walk_order = PACKING_WALK_ORDER
    return location


@operation
def warehouse_create(*, code: str, name: str, sellable: bool, actor: Actor) -> Warehouse:
    if not _CODE.match(code or ""):
        raise InvalidInput("a warehouse code has 1-16 letters, digits, dots, dashes or underscores",
                           details={"field": "code"})
    if not name.strip():
        raise InvalidInput("a warehouse needs a name", details={"field": "name"})
    if Warehouse.objects.filter(code=code).exists():
        raise InvalidInput(f"warehouse {code} exists already", details={"field": "code"})
    warehouse = Warehouse.objects.create(code=code, name=name.strip()[:100], sellable=sellable)
    _location(code, LocationKind.STOCK, warehouse=warehouse)
    packing_location(warehouse)
    record(action=AuditAction.INVENTORY_WAREHOUSE_CREATED, obj=warehouse, actor=actor,
           data={"code": code, "sellable": sellable})
    return warehouse


@operation
def bin_create(*, warehouse: Warehouse, label: str, walk_order: int, actor: Actor) -> Location:
    """A bin like `A-03-2`; pick lists walk the bins in `walk_order`."""
    if not _LABEL.match(label or ""):
        raise InvalidInput("a bin label has 1-32 letters, digits, dots, dashes or underscores",
                           details={"field": "label"})
    if not 0 <= walk_order <= 10_000_000:
        raise InvalidInput("the walking order is a number from 0 to 10,000,000", details={"field": "walk_order"})
    code = f"{warehouse.code}:{label}"
    try:
        with transaction.atomic():
            location = Location.objects.create(code=code, label=label, kind=LocationKind.STOCK,
                                               warehouse=warehouse, walk_order=walk_order)
    except IntegrityError:
        raise InvalidInput(f"bin {label} exists already in {warehouse.code}", details={"field": "label"}) from None
    record(action=AuditAction.INVENTORY_BIN_CREATED, obj=location, actor=actor,
           data={"warehouse": warehouse.code, "label": label, "walk_order": walk_order})
    return location


@operation
def stock_policy_set(*, article: Article, warehouse: Warehouse, default_bin: Location | None,
                     reorder_point: int | None, target_level: int | None, actor: Actor) -> StockPolicy:
    if default_bin is not None and (default_bin.warehouse_id != warehouse.pk or default_bin.kind != LocationKind.STOCK):
        raise InvalidInput(f"{default_bin} is not a bin of {warehouse.code}", details={"field": "default_bin"})
    if reorder_point is not None and reorder_point < 0 or target_level is not None and target_level < 0:
        raise InvalidInput("stock levels are not negative", details={"field": "reorder_point"})
    if reorder_point is not None and target_level is not None and target_level <= reorder_point:
        raise InvalidInput("the target level lies above the reorder point", details={"field": "target_level"})
    policy, _ = StockPolicy.objects.update_or_create(
        article=article, warehouse=warehouse,
        defaults={"default_bin": default_bin, "reorder_point": reorder_point, "target_level": target_level},
    )
    record(action=AuditAction.INVENTORY_STOCK_POLICY_SET, obj=article, actor=actor,
           data={"warehouse": warehouse.code, "default_bin": default_bin.code if default_bin else None,
                 "reorder_point": reorder_point, "target_level": target_level})
    availability_check(articles=[article], actor=actor)  # a new reorder point may make it low (or not)
    return policy


def _take(level_filter: dict, quantity: int, *, reserved: bool) -> bool:
    """Guarded: take `quantity` out of a level — reserved units (picking, shipping) or free
    ones (moving between bins)."""
    if reserved:
        return bool(StockLevel.objects.filter(**level_filter, reserved__gte=quantity, on_hand__gte=quantity).update(
            on_hand=F("on_hand") - quantity, reserved=F("reserved") - quantity))
    return bool(StockLevel.objects.filter(**level_filter, on_hand__gte=F("reserved") + quantity).update(
        on_hand=F("on_hand") - quantity))


def _put(article: Article, location: Location, quantity: int, *, reserved: bool) -> None:
    changes = {"on_hand": F("on_hand") + quantity, "reserved": F("reserved") + (quantity if reserved else 0)}
    # Usually the level row exists (a bin's, the packing area's): one UPDATE, no read before it.
    if StockLevel.objects.filter(article=article, location=location).update(**changes):
        return
    level, _ = StockLevel.objects.get_or_create(article=article, location=location)
    StockLevel.objects.filter(pk=level.pk).update(**changes)


@operation
def stock_transfer(*, article: Article, source: Location, target: Location, quantity: int, actor: Actor) -> StockMove:
    """Move free (unreserved) units from one bin to another."""
    if quantity <= 0:
        raise InvalidInput("quantity must be positive", details={"field": "quantity"})
    if source.pk == target.pk or source.kind != LocationKind.STOCK or target.kind != LocationKind.STOCK:
        raise InvalidInput("stock moves from one bin to another", details={"field": "target"})
    bin_lock_active(target)
    if not _take({"article": article, "location": source}, quantity, reserved=False):
        raise InsufficientStock(f"{source} has fewer than {quantity} free units of {article.sku}",
                                details={"field": "quantity", "sku": article.sku, "location": source.code})
    _put(article, target, quantity, reserved=False)
    move = StockMove.objects.create(article=article, from_location=source, to_location=target, quantity=quantity,
                                    reason=StockMoveReason.TRANSFER, actor=str(actor))
    record(action=AuditAction.INVENTORY_STOCK_TRANSFERRED, obj=article, actor=actor,
           data={"from": source.code, "to": target.code, "quantity": quantity})
    if source.warehouse_id != target.warehouse_id:  # maybe into or out of a sellable warehouse
        availability_check(articles=[article], actor=actor)
    return move


@dataclass(frozen=True)
class Picked:
    article_id: int
    location: Location  # the bin it came from
    quantity: int


@dataclass(frozen=True)
class PickFromBin:
    """Units of an article the picker took from a named bin."""

    article: Article
    location: Location
    quantity: int


def _reservations_in_bins(order_number: str, **filters) -> list[StockReservation]:
    return list(StockReservation.objects.select_for_update(of=("self",))
                .filter(order_number=order_number, location__kind=LocationKind.STOCK, **filters)
                .select_related("location__warehouse").order_by("location__walk_order", "location_id", "pk"))


class _ToPacking:
    """Moves reserved units of one order from bins to their warehouse's packing area, the
    reservation along with them; the ledger entries are written at the end, in one INSERT."""

    def __init__(self, order_number: str, actor: Actor) -> None:
        self.order_number, self.actor = order_number, actor
        self.packing_of: dict[int, Location] = {}  # per warehouse, looked up once
        self.moves: list[StockMove] = []

    def take(self, article: Article, rows: list[StockReservation], quantity: int) -> list[Picked]:
        picked, wanted = [], quantity
        for row in rows:
            take = min(row.quantity, wanted)
            if take <= 0:
                continue
            if not _take({"article": article, "location": row.location}, take, reserved=True):
                raise InsufficientStock(f"{row.location} does not hold the {take} x {article.sku} reserved there",
                                        details={"sku": article.sku, "location": row.location.code})
            warehouse = row.location.warehouse
            packing = self.packing_of.get(warehouse.pk) or self.packing_of.setdefault(
                warehouse.pk, packing_location(warehouse))
            _put(article, packing, take, reserved=True)
            _move_reservation(row, take, packing)
            row.quantity -= take  # the same row may serve a later pick of this call
            self.moves.append(StockMove(article=article, from_location=row.location, to_location=packing,
                                        quantity=take, reason=StockMoveReason.PICK, reference=self.order_number,
                                        actor=str(self.actor)))
            picked.append(Picked(article.pk, row.location, take))
            wanted -= take
            if not wanted:
                break
        return picked

    def book(self) -> None:
        StockMove.objects.bulk_create(self.moves)


@operation
def stock_pick(*, order_number: str, article: Article, quantity: int, actor: Actor,
               location: Location | None = None) -> list[Picked]:
    """Take reserved units of an order from their bins to the warehouse's packing area — from
    `location` when the picker says where they came from, else in walking order; the
    reservation moves along. Returns what came from where (may be less than asked when less is
    reserved there)."""
    if quantity <= 0:
        raise InvalidInput("quantity must be positive", details={"field": "quantity"})
    where = {"location": location} if location is not None else {}
    to_packing = _ToPacking(order_number, actor)
    picked = to_packing.take(article, _reservations_in_bins(order_number, article=article, **where), quantity)
    to_packing.book()
    return picked


@operation
def stock_pick_from_bins(*, order_number: str, picks: list[PickFromBin], actor: Actor) -> list[Picked]:
    """Several picks of one order at once (a pick run's rows): each from its named bin to the
    packing area, like `stock_pick`, with one read of the order's reservations and one ledger
    INSERT. Returns what was taken (less than asked where less is reserved)."""
    if any(p.quantity <= 0 for p in picks):
        raise InvalidInput("quantity must be positive", details={"field": "quantity"})
    rows = _reservations_in_bins(order_number, article_id__in={p.article.pk for p in picks},
                                 location_id__in={p.location.pk for p in picks})
    to_packing = _ToPacking(order_number, actor)
    picked = []
    for pick in picks:
        from_bin = [r for r in rows if r.article_id == pick.article.pk and r.location_id == pick.location.pk]
        picked += to_packing.take(pick.article, from_bin, pick.quantity)
    to_packing.book()
    return picked


def _move_reservation(row: StockReservation, quantity: int, location: Location) -> None:
    if quantity == row.quantity:
        StockReservation.objects.filter(pk=row.pk).update(location=location)
        return
    StockReservation.objects.filter(pk=row.pk).update(quantity=F("quantity") - quantity)
    StockReservation.objects.create(article_id=row.article_id, location=location, order_number=row.order_number,
                                    line_position=row.line_position, quantity=quantity)


@operation
def stock_ship(*, order_number: str, article: Article, quantity: int, actor: Actor) -> int:
    """The order's picked units of the article leave the packing area for the customer; their
    reservation is used up. Returns the units shipped (never more than were picked)."""
    return stock_ship_articles(order_number=order_number, units=[(article, quantity)], actor=actor)[article.pk]


@operation
def stock_ship_articles(*, order_number: str, units: list[tuple[Article, int]], actor: Actor) -> dict[int, int]:
    """`stock_ship` for several articles of one order (a packed parcel): one read of the
    reservations, one ledger INSERT. Returns the units shipped per article id."""
    if any(quantity <= 0 for _, quantity in units):
        raise InvalidInput("quantity must be positive", details={"field": "quantity"})
    rows = list(StockReservation.objects.select_for_update(of=("self",))
                .filter(order_number=order_number, article_id__in={a.pk for a, _ in units},
                        location__kind=LocationKind.PACKING)
                .select_related("location").order_by("pk"))
    customer = _location("CUSTOMER", LocationKind.CUSTOMER)
    moves, shipped = [], {}
    for article, quantity in units:
        shipped[article.pk], wanted = 0, quantity
        for row in (r for r in rows if r.article_id == article.pk and r.quantity > 0):
            take = min(row.quantity, wanted)
            if not _take({"article": article, "location": row.location}, take, reserved=True):
                raise InsufficientStock(f"the packing area does not hold {take} x {article.sku}",
                                        details={"sku": article.sku})
            if take == row.quantity:
                StockReservation.objects.filter(pk=row.pk).delete()
            else:
                StockReservation.objects.filter(pk=row.pk).update(quantity=F("quantity") - take)
            row.quantity -= take
            moves.append(StockMove(article=article, from_location=row.location, to_location=customer, quantity=take,
                                   reason=StockMoveReason.SHIPMENT, reference=order_number, actor=str(actor)))
            shipped[article.pk] += take
            wanted -= take
            if not wanted:
                break
    StockMove.objects.bulk_create(moves)
    return shipped
