"""Goods a customer sent back, entering the ledger after inspection.

A returned unit comes from the virtual returns location: resellable ones go into a bin (sellable
again at once), damaged ones either straight to the loss location (written off, never counted
as stock anywhere) or into a bin of a non-sellable warehouse (quarantine, for a later decision
or a claim against the carrier)."""

from django.db.models import F

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import operation

from .models import Location, LocationKind, StockLevel, StockMove, StockMoveReason, Warehouse
from .services import _location, bin_lock_active, warehouse_main_location
from .services_availability import availability_check
from .services_bins import packing_location

MAX_QUANTITY = 100_000


def _check(article: Article, quantity: int) -> None:
    if not article.is_stocked:
        raise InvalidInput(f"{article.sku} is not a stocked article", details={"field": "sku"})
    if not 0 < quantity <= MAX_QUANTITY:
        raise InvalidInput("quantity must be positive", details={"field": "quantity"})


@operation
def stock_return_to_bin(*, article: Article, location: Location, quantity: int, reference: str,  # noqa: PLR0913 -- a ledger entry
                        note: str, actor: Actor) -> StockMove:
    """Returned units into a bin (a sellable one: back in stock; a quarantine one: kept apart)."""
    _check(article, quantity)
    if location.kind != LocationKind.STOCK:
        raise InvalidInput(f"{location} is not a bin", details={"field": "bin"})
    bin_lock_active(location)
    source = _location("RETURNS", LocationKind.RETURNS)
    level, _ = StockLevel.objects.get_or_create(article=article, location=location)
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + quantity)
    move = StockMove.objects.create(article=article, from_location=source, to_location=location, quantity=quantity,
                                    reason=StockMoveReason.RETURN, reference=reference[:64], note=note[:200],
                                    actor=str(actor))
    record(action=AuditAction.INVENTORY_STOCK_RETURNED, obj=article, actor=actor,
           data={"location": location.code, "quantity": quantity, "reference": reference[:64]})
    availability_check(articles=[article], actor=actor)
    return move


@operation
def stock_return_write_off(*, article: Article, quantity: int, reference: str, note: str, actor: Actor) -> StockMove:
    """Returned units that are not worth keeping: from the returns location to the loss location."""
    _check(article, quantity)
    move = StockMove.objects.create(
        article=article, from_location=_location("RETURNS", LocationKind.RETURNS),
        to_location=_location("LOSS", LocationKind.LOSS), quantity=quantity, reason=StockMoveReason.WRITE_OFF,
        reference=reference[:64], note=note[:200], actor=str(actor))
    record(action=AuditAction.INVENTORY_STOCK_WRITTEN_OFF, obj=article, actor=actor,
           data={"location": "RETURNS", "quantity": quantity, "cause": "damage", "note": note[:200]})
    return move


@operation
def quarantine_location(*, code: str) -> Location:
    """The main bin of the quarantine warehouse `code`, created non-sellable on first use; an
    existing warehouse of that code must not be sellable (its stock would be offered)."""
    warehouse, created = Warehouse.objects.get_or_create(code=code, defaults={"name": "Quarantäne", "sellable": False})
    if warehouse.sellable:
        raise InvalidInput(f"warehouse {code} is sellable; quarantine needs a warehouse whose stock is not offered",
                           details={"field": "quarantine_warehouse"})
    if created:
        packing_location(warehouse)
    return warehouse_main_location(warehouse)
