"""Changing warehouses and bins after they exist: name and sellable flag, a bin's walking order,
deactivating an empty bin."""

from django.db.models import Q

from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import operation

from .models import Location, LocationKind, StockLevel, StockPolicy, Warehouse
from .services_availability import availability_check

MAX_WALK_ORDER = 10_000_000


@operation
def warehouse_update(*, warehouse: Warehouse, name: str, sellable: bool, actor: Actor) -> Warehouse:
    """A warehouse taken out of (or put into) sellable stock changes what the shop may sell of
    every article it holds: their availability is checked anew."""
    if not name.strip():
        raise InvalidInput("a warehouse needs a name", details={"field": "name"})
    warehouse = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    changed_sellable = warehouse.sellable != sellable
    Warehouse.objects.filter(pk=warehouse.pk).update(name=name.strip()[:100], sellable=sellable)
    warehouse.refresh_from_db()
    record(action=AuditAction.INVENTORY_WAREHOUSE_UPDATED, obj=warehouse, actor=actor,
           data={"name": warehouse.name, "sellable": sellable})
    if changed_sellable:
        held = (StockLevel.objects.filter(location__warehouse=warehouse).filter(Q(on_hand__gt=0) | Q(reserved__gt=0))
                .select_related("article"))
        availability_check(articles={level.article_id: level.article for level in held}.values(), actor=actor)
    return warehouse


def _bin(location: Location) -> Location:
    if location.kind != LocationKind.STOCK or location.warehouse_id is None:
        raise InvalidInput(f"{location} is not a bin", details={"field": "bin"})
    return Location.objects.select_for_update().get(pk=location.pk)


@operation
def bin_update(*, location: Location, walk_order: int, active: bool, actor: Actor) -> Location:
    if not 0 <= walk_order <= MAX_WALK_ORDER:
        raise InvalidInput("the walking order is a number from 0 to 10,000,000", details={"field": "walk_order"})
    location = _bin(location)
    if location.active and not active:
        Location.objects.select_for_update().filter(pk=location.pk).exists()  # receipts into it wait
        _check_empty(location)
    Location.objects.filter(pk=location.pk).update(walk_order=walk_order, active=active)
    location.refresh_from_db()
    record(action=AuditAction.INVENTORY_BIN_UPDATED if active else AuditAction.INVENTORY_BIN_DEACTIVATED,
           obj=location, actor=actor, data={"bin": location.code, "walk_order": walk_order, "active": active})
    return location


def _check_empty(location: Location) -> None:
    if StockLevel.objects.filter(location=location).filter(Q(on_hand__gt=0) | Q(reserved__gt=0)).exists():
        raise InvalidInput(f"bin {location.label} still holds stock: move or count it out first",
                           details={"field": "bin"})
    defaults = StockPolicy.objects.filter(default_bin=location).count()
    if defaults:
        raise InvalidInput(f"bin {location.label} is the default bin of {defaults} article(s)",
                           details={"field": "bin"})


@operation
def bin_deactivate(*, location: Location, actor: Actor) -> Location:
    """Only an empty bin that is nobody's default bin is deactivated; stock is never put
    away into (or promised from) a bin nobody walks to."""
    return bin_update(location=location, walk_order=location.walk_order, active=False, actor=actor)
