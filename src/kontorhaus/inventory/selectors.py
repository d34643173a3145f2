from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, Sum

from kontorhaus.catalog.models import Article

from .models import LocationKind, StockLevel, StockMove, StockPolicy, StockReservation


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


def reserved_order_numbers_in(*, places: Iterable[tuple[int, int]]) -> list[str]:
    """Numbers of the orders with units reserved in these (article id, bin id) places, sorted."""
    places = set(places)
    if not places:
        return []
    rows = (StockReservation.objects
            .filter(article_id__in={a for a, _ in places}, location_id__in={b for _, b in places})
            .values_list("order_number", "article_id", "location_id").distinct())
    return sorted({number for number, article_id, location_id in rows if (article_id, location_id) in places})


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


@dataclass(frozen=True)
class ReorderCandidate:
    """An article whose sellable availability is at or below its reorder point. Reorder point
    and target level are the sums over the sellable warehouses' stock policies (as for the
    shop's availability, services_availability); `shortfall` is what brings availability back
    to the target level (0 when no target level is set). Open purchase orders are not counted
    here: purchasing subtracts what is already on order."""

    article: Article
    on_hand: int
    reserved: int
    available: int
    reorder_point: int
    target_level: int | None

    @property
    def shortfall(self) -> int:
        return max(self.target_level - self.available, 0) if self.target_level is not None else 0


def articles_at_reorder_point(*, warehouse_code: str = "") -> list[ReorderCandidate]:
    """Articles to reorder, by SKU: available (sellable warehouses, on hand minus reserved) <=
    reorder point. Only articles with a reorder point in a sellable warehouse take part. Two
    queries. With `warehouse_code`, only articles with a policy in that warehouse."""
    policies = StockPolicy.objects.filter(warehouse__sellable=True, reorder_point__isnull=False,
                                          article__active=True)
    if warehouse_code:
        policies = policies.filter(article__stock_policies__warehouse__code=warehouse_code)
    sums = {row["article_id"]: row for row in policies.values("article_id").annotate(
        reorder_point=Sum("reorder_point"), target_level=Sum("target_level"))}
    articles = list(Article.objects.filter(pk__in=sums).order_by("sku"))
    stock = stock_availability(articles=articles)
    candidates = []
    for article in articles:
        level, policy = stock[article.pk], sums[article.pk]
        if level.available <= policy["reorder_point"]:
            candidates.append(ReorderCandidate(article, level.on_hand, level.reserved, level.available,
                                               policy["reorder_point"], policy["target_level"]))
    return candidates
