"""Reads for picking and packing: what a new pick run takes, the pick list merged per article
and bin in walking order, and what an order has to pack."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum

from kontorhaus.catalog.models import Article, ArticleKind
from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.inventory.models import Location, LocationKind, StockReservation
from kontorhaus.sales.models import SalesOrder, SalesOrderLine

from .models_picking import PickItem, PickRun, PickRunOrder
from .models_shipping import Shipment
from .services_picking import PlannedItem
from .states_picking import PickRunStatus

IN_CHUNKS = 2000
TOTE = re.compile(r"^(?P<run>.+)-T(?P<tote>\d{1,6})$")


def open_pick_order_numbers() -> QuerySet:
    """Numbers of the orders on an open pick list (a subquery for the release selectors)."""
    return PickRunOrder.objects.filter(closed=False).values("order_number")


def open_pick_order_numbers_among(numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), IN_CHUNKS):
        found |= set(PickRunOrder.objects.filter(closed=False, order_number__in=numbers[start:start + IN_CHUNKS])
                     .values_list("order_number", flat=True))
    return found


def bin_reserved_order_numbers() -> QuerySet:
    """Numbers of the orders with reserved units still in a bin (a subquery).

    Reads inventory's reservations directly: inventory has no bulk selector for them yet
    (stock_reservation_list is per order), and a pick run of thousands of orders needs one."""
    return StockReservation.objects.filter(location__kind=LocationKind.STOCK).values("order_number")


def planned_items_for(numbers: list[str]) -> list[PlannedItem]:
    """The orders' reserved units in bins: what a pick run over them takes, per line and bin."""
    items = []
    for start in range(0, len(numbers), IN_CHUNKS):
        rows = (StockReservation.objects
                .filter(order_number__in=numbers[start:start + IN_CHUNKS], location__kind=LocationKind.STOCK)
                .values("order_number", "line_position", "article_id", "location_id")
                .annotate(units=Sum("quantity")).order_by("order_number", "line_position", "location_id"))
        items += [PlannedItem(r["order_number"], r["line_position"], r["article_id"], r["location_id"], r["units"])
                  for r in rows]
    return items


def pick_run_get(*, number: str) -> PickRun:
    run = PickRun.objects.filter(number=number).first()
    if run is None:
        raise NotFound(f"pick run {number} not found", details={"number": number})
    return run


def pick_run_list(*, limit: int = 50) -> list[PickRun]:
    return list(PickRun.objects.annotate(order_count=Count("orders")).order_by("-created_at", "-id")[:limit])


@dataclass
class PickRow:
    """One row of the pick list: an article in a bin, with the totes it goes to."""

    article: Article
    location: Location
    quantity: int = 0
    picked: int = 0
    totes: list[tuple[int, str, int]] = field(default_factory=list)  # (tote, order number, units)

    @property
    def open(self) -> int:
        return self.quantity - self.picked


def pick_rows(*, run: PickRun) -> list[PickRow]:
    """The run's items merged per article and bin, along the walking order. One query."""
    items = (PickItem.objects.filter(run=run).select_related("article", "location")
             .order_by("location__walk_order", "location__label", "location_id", "article__sku", "tote"))
    rows: dict[tuple[int, int], PickRow] = {}
    for item in items:
        row = rows.setdefault((item.location_id, item.article_id), PickRow(item.article, item.location))
        row.quantity += item.quantity
        row.picked += item.picked_quantity
        row.totes.append((item.tote, item.order_number, item.quantity))
    return list(rows.values())


def pick_run_short_order_numbers(*, run: PickRun) -> list[str]:
    """The run's orders (still on it) with units not picked yet."""
    still_on = PickRunOrder.objects.filter(run=run, closed=False).values("order_number")
    return sorted(set(PickItem.objects.filter(run=run, picked_quantity__lt=F("quantity"), order_number__in=still_on)
                      .values_list("order_number", flat=True)))


def pick_run_totes(*, run: PickRun) -> list[PickRunOrder]:
    return list(PickRunOrder.objects.filter(run=run).order_by("tote"))


def tote_code(run_number: str, tote: int) -> str:
    """What is printed on (and scanned from) a tote: `KO-2026-000001-T3`."""
    return f"{run_number}-T{tote}"


def order_number_for_code(*, code: str) -> str:
    """The order behind a scanned code: an order number, or a tote of an open pick run.
    "" when it is neither."""
    code = code.strip()
    if not code or len(code) > 64:
        return ""
    if SalesOrder.objects.filter(number=code.upper()).exists():
        return code.upper()
    match = TOTE.match(code.upper())
    if match:
        entry = PickRunOrder.objects.filter(run__number=match["run"], tote=int(match["tote"])).first()
        return entry.order_number if entry else ""
    return ""


@dataclass(frozen=True)
class PackRow:
    """One physical line as the packing station sees it."""

    position: int
    sku: str
    gtin: str
    name: str
    ordered: int
    packed: int  # in earlier shipments
    ready: int  # picked, in the packing area, to go into this parcel
    missing: int  # neither packed nor picked yet
    weight_grams: int


def pack_rows(*, order: SalesOrder) -> list[PackRow]:
    lines = SalesOrderLine.objects.filter(order=order, article_kind=ArticleKind.PHYSICAL).select_related("article")
    return [PackRow(position=line.position, sku=line.sku, gtin=line.article.gtin if line.article else "",
                    name=line.name, ordered=line.quantity, packed=line.packed_quantity,
                    ready=line.picked_quantity - line.packed_quantity,
                    missing=line.quantity - line.picked_quantity, weight_grams=line.article.weight_grams)
            for line in lines.order_by("position")]


def _gtin_key(value: str) -> str:
    return value.strip().lstrip("0")


def scan_match(rows: list[PackRow], code: str) -> PackRow | None:
    """The order line a scanned code names: by SKU (as printed) or GTIN (EAN-13/UPC, leading
    zeros aside). None when no line of the order has it."""
    code = code.strip()
    if not code:
        return None
    for row in rows:
        if code == row.sku or code.upper() == row.sku.upper():
            return row
    if code.isdigit():
        for row in rows:
            if row.gtin and _gtin_key(row.gtin) == _gtin_key(code):
                return row
    return None


def single_item_order_for_scan(*, code: str) -> SalesOrder | None:
    """The oldest order on an open pick list that is exactly one picked unit of the scanned
    article, not packed yet: "pack with one scan"."""
    code = code.strip()
    if not code or len(code) > 64:
        return None
    articles = Article.objects.filter(sku=code) if not code.isdigit() else Article.objects.filter(gtin=code)
    article = articles.first() or Article.objects.filter(sku__iexact=code).first()
    if article is None:
        return None
    units = (SalesOrderLine.objects.filter(order=OuterRef("order_id"), article_kind=ArticleKind.PHYSICAL)
             .values("order").annotate(n=Sum("quantity")).values("n"))
    line = (SalesOrderLine.objects.filter(article=article, quantity=1, picked_quantity=1, packed_quantity=0,
                                          order__status="open", order__number__in=open_pick_order_numbers())
            .alias(units=Subquery(units)).filter(units=1).select_related("order")
            .order_by("order__placed_at", "order_id").first())
    return line.order if line else None


def shipment_get(*, number: str) -> Shipment:
    shipment = Shipment.objects.filter(number=number).prefetch_related("lines", "parcels").first()
    if shipment is None:
        raise NotFound(f"shipment {number} not found", details={"number": number})
    return shipment


def shipment_list_for_order(*, order_number: str) -> list[Shipment]:
    return list(Shipment.objects.filter(order_number=order_number).prefetch_related("lines", "parcels")
                .order_by("packed_at", "id"))


def open_pick_run_of(*, order_number: str) -> str:
    entry = PickRunOrder.objects.filter(order_number=order_number, closed=False).select_related("run").first()
    return entry.run.number if entry else ""



def open_pick_runs_for(*, order_numbers: list[str], places: set[tuple[int, int]]) -> dict[tuple[str, int, int], str]:
    """(order number, article id, bin id) -> number of the open pick run with units of the
    order still to be picked there: reservations a count must not take back."""
    found: dict[tuple[str, int, int], str] = {}
    if not places:
        return found
    for start in range(0, len(order_numbers), IN_CHUNKS):
        rows = (PickItem.objects.filter(run__status=PickRunStatus.OPEN,
                                        order_number__in=order_numbers[start:start + IN_CHUNKS],
                                        picked_quantity__lt=F("quantity"), article_id__in={a for a, _ in places},
                                        location_id__in={b for _, b in places})
                .values_list("order_number", "article_id", "location_id", "run__number"))
        for number, article_id, location_id, run_number in rows:
            if (article_id, location_id) in places:
                found[(number, article_id, location_id)] = run_number
    return found


def pick_item_order_numbers(*, run: PickRun, pairs: Iterable[tuple[int, int]]) -> list[str]:
    """The run's orders with items of these (article id, bin id) pairs."""
    pairs = set(pairs)
    rows = (PickItem.objects.filter(run=run, article_id__in={a for a, _ in pairs},
                                    location_id__in={b for _, b in pairs})
            .values_list("order_number", "article_id", "location_id"))
    return sorted({number for number, article_id, location_id in rows if (article_id, location_id) in pairs})


def bin_get(*, code: str, run: PickRun) -> Location:
    """A bin by its code ("MAIN:A-01") or, among the run's bins, by its label ("A-01")."""
    from_run = Location.objects.filter(pk__in=PickItem.objects.filter(run=run).values("location_id"))
    location = (Location.objects.filter(code=code).first() or from_run.filter(label=code).first()
                or from_run.filter(label__iexact=code).first())
    if location is None:
        raise InvalidInput(f"unknown bin {code}", details={"field": "bin"})
    return location


@dataclass(frozen=True)
class ScanResult:
    counts: dict[int, int]  # line position -> units scanned into the parcel
    error: str = ""  # why the scan was refused; counts are then unchanged
    position: int = 0  # the line the scan counted for


def pack_scan(*, rows: list[PackRow], counts: dict[int, int], code: str) -> ScanResult:
    """One scan at the packing station: counts one unit for the line the code names, or refuses
    it — an article the order does not have, or one more than is picked — and counts nothing."""
    row = scan_match(rows, code)
    if row is None:
        return ScanResult(counts, error="not_in_order")
    if counts.get(row.position, 0) + 1 > row.ready:
        return ScanResult(counts, error="too_many", position=row.position)
    return ScanResult({**counts, row.position: counts.get(row.position, 0) + 1}, position=row.position)


def pick_row_for_scan(*, rows: list[PickRow], code: str) -> PickRow | None:
    """The first row along the walk still open for the scanned article (SKU or GTIN)."""
    code = code.strip()
    for row in rows:
        if row.open and (code.upper() == row.article.sku.upper()
                         or (code.isdigit() and row.article.gtin and _gtin_key(row.article.gtin) == _gtin_key(code))):
            return row
    return None
