"""Reading the warehouse: warehouses and bins, stock per article and bin, the ledger with its
running balance, and stock on hand as of a past day (from the ledger alone)."""

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from kontorhaus.catalog.models import Article
from kontorhaus.core.exceptions import NotFound

from .models import Location, LocationKind, StockLevel, StockMove, StockPolicy, Warehouse

HELD = (LocationKind.STOCK, LocationKind.PACKING)  # where stock physically is


def warehouse_list() -> list[Warehouse]:
    return list(Warehouse.objects.order_by("code"))


def warehouse_get(*, code: str) -> Warehouse:
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        raise NotFound(f"warehouse {code} not found", details={"field": "warehouse", "code": code})
    return warehouse


def bin_get(*, warehouse: Warehouse, label: str, field_name: str = "bin") -> Location:
    location = Location.objects.filter(warehouse=warehouse, label=label, kind=LocationKind.STOCK).first()
    if location is None:
        raise NotFound(f"bin {label} not found in {warehouse.code}", details={"field": field_name, "bin": label})
    return location


def bin_list(*, warehouse: Warehouse, include_inactive: bool = True) -> list[Location]:
    """The warehouse's bins in walking order, each with `units` (on hand) and `articles` held."""
    bins = Location.objects.filter(warehouse=warehouse, kind=LocationKind.STOCK)
    if not include_inactive:
        bins = bins.filter(active=True)
    return list(bins.annotate(units=Sum("stocklevel__on_hand"),
                              articles=Count("stocklevel", filter=Q(stocklevel__on_hand__gt=0)))
                .order_by("walk_order", "label", "id"))


@dataclass
class ArticleStock:
    article: Article
    on_hand: int = 0
    reserved: int = 0
    bins: list[StockLevel] = field(default_factory=list)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def stock_by_article(*, warehouse: Warehouse | None = None, article: Article | None = None,
                     limit: int = 500) -> list[ArticleStock]:
    """Stock per article (by SKU) and its bins and packing areas that hold or promise units; the
    totals are over the bins shown. One query."""
    levels = (StockLevel.objects.filter(location__kind__in=HELD).filter(Q(on_hand__gt=0) | Q(reserved__gt=0))
              .select_related("article", "location__warehouse")
              .order_by("article__sku", "location__warehouse__code", "location__walk_order", "location__label"))
    if warehouse is not None:
        levels = levels.filter(location__warehouse=warehouse)
    if article is not None:
        levels = levels.filter(article=article)
    by_article: dict[int, ArticleStock] = {}
    for level in levels[: limit * 20]:
        row = by_article.get(level.article_id)
        if row is None:
            if len(by_article) >= limit:
                break
            row = by_article[level.article_id] = ArticleStock(level.article)
        row.on_hand += level.on_hand
        row.reserved += level.reserved
        row.bins.append(level)
    return list(by_article.values())


def stock_policy_list(*, article: Article | None = None, warehouse: Warehouse | None = None) -> list[StockPolicy]:
    policies = StockPolicy.objects.select_related("warehouse", "default_bin", "article")
    if article is not None:
        policies = policies.filter(article=article)
    if warehouse is not None:
        policies = policies.filter(warehouse=warehouse)
    return list(policies.order_by("article__sku", "warehouse__code"))


@dataclass(frozen=True)
class LedgerRow:
    move: StockMove
    change: int  # + into the warehouses' stock, - out of it, 0 inside (bin to bin, picking)
    balance: int  # on hand in all warehouses after the move


def _change(move: StockMove) -> int:
    return (move.quantity if move.to_location.kind in HELD else 0) - (
        move.quantity if move.from_location.kind in HELD else 0)


def stock_ledger(*, article: Article, limit: int = 1000) -> list[LedgerRow]:
    """The article's last `limit` moves, oldest first, with the running balance of units on
    hand (bins and packing areas of all warehouses): the balance before them is one sum over the
    older moves, so the page costs the same however long the article's history."""
    recent = list(StockMove.objects.filter(article=article).select_related("article", "from_location", "to_location")
                  .order_by("-occurred_at", "-id")[:limit])[::-1]
    balance = 0
    if recent:
        older = StockMove.objects.filter(article=article).filter(
            Q(occurred_at__lt=recent[0].occurred_at) | Q(occurred_at=recent[0].occurred_at, id__lt=recent[0].id))
        into = older.filter(to_location__kind__in=HELD).aggregate(s=Sum("quantity"))["s"] or 0
        out = older.filter(from_location__kind__in=HELD).aggregate(s=Sum("quantity"))["s"] or 0
        balance = into - out
    rows = []
    for move in recent:
        balance += _change(move)
        rows.append(LedgerRow(move, _change(move), balance))
    return rows


@dataclass(frozen=True)
class StockAsOf:
    sku: str
    name: str
    warehouse: str
    location: str
    on_hand: int


def _end_of(day: dt.date) -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def stock_as_of(*, day: dt.date, warehouse: Warehouse | None = None) -> list[StockAsOf]:
    """On hand per article and bin (and packing area) at the end of `day` (company timezone),
    summed from the ledger: what came in minus what went out. Rows with nothing are left out.
    Two grouped queries."""
    moves = StockMove.objects.filter(occurred_at__lt=_end_of(day))
    incoming = moves.filter(to_location__kind__in=HELD)
    outgoing = moves.filter(from_location__kind__in=HELD)
    if warehouse is not None:
        incoming = incoming.filter(to_location__warehouse=warehouse)
        outgoing = outgoing.filter(from_location__warehouse=warehouse)
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for row in incoming.values("article_id", "to_location_id").annotate(n=Sum("quantity")):
        totals[row["article_id"], row["to_location_id"]] += row["n"]
    for row in outgoing.values("article_id", "from_location_id").annotate(n=Sum("quantity")):
        totals[row["article_id"], row["from_location_id"]] -= row["n"]
    kept = {key: n for key, n in totals.items() if n}
    articles = Article.objects.in_bulk({a for a, _ in kept})
    locations = Location.objects.select_related("warehouse").in_bulk({loc for _, loc in kept})
    rows = [StockAsOf(articles[a].sku, articles[a].name, locations[loc].warehouse.code if locations[loc].warehouse
                      else "", locations[loc].label or locations[loc].code, n) for (a, loc), n in kept.items()]
    return sorted(rows, key=lambda r: (r.sku, r.warehouse, r.location))


def stock_csv_write(out: Any, *, day: dt.date, warehouse: Warehouse | None = None) -> int:
    """CSV of stock on hand as of `day` into a file-like `out`: semicolon-separated (what German
    spreadsheets open), one row per article and bin. Returns the number of rows."""
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["date", "sku", "name", "warehouse", "bin", "on_hand"])
    rows = stock_as_of(day=day, warehouse=warehouse)
    for row in rows:
        writer.writerow([day.isoformat(), _csv_safe(row.sku), _csv_safe(row.name), _csv_safe(row.warehouse),
                         _csv_safe(row.location), row.on_hand])
    return len(rows)


def _csv_safe(text: str) -> str:
    """No formula injection: a cell starting with = + - @ (or a tab or carriage return, which
    some spreadsheets skip before such a sign) is text to a spreadsheet."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def stock_levels_for_count(*, warehouse: Warehouse, location: Location | None = None,
                           article: Article | None = None) -> QuerySet[StockLevel]:
    """The count sheet: every article and bin with stock (or reservations), in walking order."""
    levels = StockLevel.objects.filter(location__warehouse=warehouse, location__kind=LocationKind.STOCK,
                                       location__active=True).filter(Q(on_hand__gt=0) | Q(reserved__gt=0))
    if location is not None:
        levels = levels.filter(location=location)
    if article is not None:
        levels = levels.filter(article=article)
    return levels.select_related("article", "location").order_by("location__walk_order", "location__label",
                                                                 "article__sku")
