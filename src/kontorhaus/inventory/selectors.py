from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, Sum

from kontorhaus.catalog.models import Article

from .models import LocationKind, StockLevel, StockMove, StockReservation


@dataclass(frozen=True)
class Availability:
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def stock_availability(*, articles: Iterable[Article]) -> dict[int, Availability]:
    """Sellable stock per article: the sum over the bins and packing areas of sellable
    warehouses (units picked for an order are reserved there; units a cancelled order left
    there are free and can be promised again)."""
    ids = [a.pk for a in articles]
    rows = (
        StockLevel.objects.filter(article_id__in=ids, location__kind__in=(LocationKind.STOCK, LocationKind.PACKING),
                                  location__warehouse__sellable=True)
        .values("article_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    )
    found = {r["article_id"]: Availability(r["on_hand"], r["reserved"]) for r in rows}
    return {i: found.get(i, Availability(0, 0)) for i in ids}


def stock_reservation_list(*, order_number: str) -> list[StockReservation]:
    return list(StockReservation.objects.filter(order_number=order_number).select_related("article"))


def stock_move_list(*, article: Article) -> list[StockMove]:
    return list(StockMove.objects.filter(article=article).select_related("from_location", "to_location"))


def stock_reconcile() -> list[dict]:
    """Counters that disagree with the ledger or the reservations; empty when all is well."""
    problems = []
    for level in StockLevel.objects.select_related("article", "location"):
        moved_in = StockMove.objects.filter(article_id=level.article_id, to_location_id=level.location_id).aggregate(
            s=Sum("quantity"))["s"] or 0
        moved_out = StockMove.objects.filter(
            article_id=level.article_id, from_location_id=level.location_id).aggregate(s=Sum("quantity"))["s"] or 0
        reserved = StockReservation.objects.filter(
            article_id=level.article_id, location_id=level.location_id).aggregate(s=Sum("quantity"))["s"] or 0
        if level.on_hand != moved_in - moved_out or level.reserved != reserved:
            problems.append({
                "sku": level.article.sku, "location": level.location.code,
                "on_hand": level.on_hand, "ledger": moved_in - moved_out,
                "reserved": level.reserved, "reservations": reserved,
            })
    return problems


def stock_low_list() -> list[StockLevel]:
    return list(StockLevel.objects.filter(Q(on_hand__lte=F("reserved"))).select_related("article"))
