"""Stock counts and write-offs: what the warehouse finds is booked as moves against the virtual
loss location (reason "count" or "write_off").

A count is one step: the count sheet shows the expected quantity per bin and article (the
on-hand quantity when the sheet was shown) and sends it back with what was counted. If a bin's
stock changed in between (a pick, a transfer), that line is refused and must be counted again —
booking "counted minus expected" against stock that has moved since would book a wrong
difference. No count session table, so no half-finished session can lock a bin.

When a bin holds fewer units than are promised from it, the newest reservations there are taken
back (older orders keep their stock: first come, first served) so reserved <= on hand stays
true; the caller (flows.stock_counted) backorders those order lines in the same transaction.
A reservation whose units are on an open pick list is not taken back: the count or write-off
is refused, naming the pick run (the caller says which ones are, in a `TakeBackGuard`).
Taking it back would leave the pick list asking for units the order no longer holds, and the
run could never complete; finishing the run first (pick what is there, pack) is the warehouse's
ordinary way, and the count is then booked against the stock that is really left.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import F

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor, AuditAction, event, record, record_many
from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.core.transactions import operation

from .models import Location, LocationKind, StockLevel, StockMove, StockMoveReason, StockReservation
from .services import stock_adjust

WRITE_OFF_CAUSES = ("damage", "loss", "expiry", "other")
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class CountLine:
    article: Article
    location: Location
    counted: int
    expected: int | None = None  # on hand as the count sheet showed it; None: not checked


@dataclass(frozen=True)
class TakenBack:
    """A reservation (part) taken back because its bin no longer holds the units."""

    order_number: str
    line_position: int
    article: Article
    quantity: int


@dataclass(frozen=True)
class TakeBackGuard:
    """What the caller (flows.stock_counted) knows and inventory does not: the orders it holds
    locked (their reservations may be taken back) and which of them have units of an article
    in a bin still on an open pick run ((order number, article id, bin id) -> run number)."""

    locked_orders: frozenset[str] = frozenset()
    on_pick_runs: Mapping[tuple[str, int, int], str] = field(default_factory=dict)

    def check(self, *, order_number: str, article: Article, location: Location, units: int) -> None:
        run = self.on_pick_runs.get((order_number, article.pk, location.pk))
        if run:
            raise InvalidInput(
                f"{location} would hold too few {article.sku} for order {order_number}, whose units there are on "
                f"the open pick run {run}: finish or close the pick run first (pick what is there, pack the order), "
                "then count or write off again",
                details={"field": "quantity", "reason": "on_pick_run", "pick_run": run, "order_number": order_number,
                         "sku": article.sku, "units": units})
        if order_number not in self.locked_orders:
            raise InvalidInput(f"{article.sku} in {location} was reserved again meanwhile: count it again",
                               details={"field": "quantity", "reason": "changed", "sku": article.sku})


@dataclass
class CountResult:
    differences: list[dict] = field(default_factory=list)  # sku, location, expected, counted, difference
    moves: list[StockMove] = field(default_factory=list)
    taken_back: list[TakenBack] = field(default_factory=list)


def _check(lines: Sequence[CountLine]) -> None:
    seen = set()
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        if not line.article.is_stocked:
            raise InvalidInput(f"{line.article.sku} is not a stocked article", details={"field": f"{where}.sku"})
        if line.location.kind != LocationKind.STOCK or not line.location.active:
            raise InvalidInput(f"{line.location} is not an active bin", details={"field": f"{where}.bin"})
        if not 0 <= line.counted <= MAX_QUANTITY:
            raise InvalidInput("a counted quantity is 0 or more", details={"field": f"{where}.counted"})
        key = (line.article.pk, line.location.pk)
        if key in seen:
            raise InvalidInput(f"{line.article.sku} in {line.location} is counted twice",
                               details={"field": f"{where}.sku"})
        seen.add(key)


def _take_back(*, article: Article, location: Location, quantity: int, actor: Actor,
               guard: TakeBackGuard | None) -> list[TakenBack]:
    """Shorten the newest reservations of the article in the bin by `quantity` units in all
    (none on an open pick list, when the caller passes a guard)."""
    rows = list(StockReservation.objects.select_for_update().filter(article=article, location=location)
                .order_by("-created_at", "-pk"))
    taken, wanted = [], quantity
    for row in rows:
        take = min(row.quantity, wanted)
        if guard is not None:
            guard.check(order_number=row.order_number, article=article, location=location, units=take)
        if take == row.quantity:
            StockReservation.objects.filter(pk=row.pk).delete()
        else:
            StockReservation.objects.filter(pk=row.pk).update(quantity=F("quantity") - take)
        taken.append(TakenBack(row.order_number, row.line_position, article, take))
        wanted -= take
        if not wanted:
            break
    units = quantity - wanted
    StockLevel.objects.filter(article=article, location=location, reserved__gte=units).update(
        reserved=F("reserved") - units)
    record_many([event(action=AuditAction.INVENTORY_RESERVATION_TAKEN_BACK, actor=actor, order_number=t.order_number,
                       data={"sku": article.sku, "location": location.code, "line": t.line_position,
                             "quantity": t.quantity}) for t in taken])
    return taken


def _level(line: CountLine) -> tuple[int, int]:
    level = StockLevel.objects.select_for_update().filter(article=line.article, location=line.location).first()
    return (level.on_hand, level.reserved) if level is not None else (0, 0)


@operation
def stock_count_book(*, lines: Sequence[CountLine], note: str, actor: Actor,
                     guard: TakeBackGuard | None = None) -> CountResult:
    """Book a count: per bin and article, the difference between counted and on hand."""
    if not lines:
        raise InvalidInput("a count needs at least one line", details={"field": "lines"})
    _check(lines)
    result = CountResult()
    for index, line in sorted(enumerate(lines), key=lambda il: (il[1].article.pk, il[1].location.pk)):
        on_hand, reserved = _level(line)
        if line.expected is not None and line.expected != on_hand:
            raise InvalidInput(f"the stock of {line.article.sku} in {line.location} changed since the count began "
                               f"({line.expected} then, {on_hand} now): count it again",
                               details={"field": f"lines.{index}.expected", "sku": line.article.sku,
                                        "on_hand": on_hand})
        difference = line.counted - on_hand
        result.differences.append({"sku": line.article.sku, "location": line.location.code, "expected": on_hand,
                                   "counted": line.counted, "difference": difference})
        if difference == 0:
            continue
        if line.counted < reserved:
            result.taken_back += _take_back(article=line.article, location=line.location,
                                            quantity=reserved - line.counted, actor=actor, guard=guard)
        result.moves.append(stock_adjust(article=line.article, delta=difference, reason=StockMoveReason.COUNT,
                                         note=note, actor=actor, location=line.location))
    record(action=AuditAction.INVENTORY_STOCK_COUNTED, actor=actor, obj=lines[0].location,
           data={"note": note[:200], "lines": [d for d in result.differences if d["difference"]][:200],
                 "counted_lines": len(lines)})
    return result


@operation
def stock_write_off(*, article: Article, location: Location, quantity: int, cause: str,  # noqa: PLR0913 -- a ledger entry
                    note: str, actor: Actor, guard: TakeBackGuard | None = None) -> CountResult:
    """Units that are gone (damaged, lost, expired) leave the bin. Reserved units may be
    written off too: their reservations are taken back like after a short count."""
    if cause not in WRITE_OFF_CAUSES:
        raise InvalidInput(f"unknown cause {cause}", details={"field": "cause"})
    if not 0 < quantity <= MAX_QUANTITY:
        raise InvalidInput("quantity must be positive", details={"field": "quantity"})
    if location.kind != LocationKind.STOCK:
        raise InvalidInput(f"{location} is not a bin", details={"field": "bin"})
    on_hand, reserved = _level(CountLine(article, location, 0))
    if quantity > on_hand:
        raise InsufficientStock(f"{location} holds only {on_hand} x {article.sku}",
                                details={"field": "quantity", "sku": article.sku, "on_hand": on_hand})
    result = CountResult()
    if on_hand - quantity < reserved:
        result.taken_back = _take_back(article=article, location=location,
                                       quantity=reserved - (on_hand - quantity), actor=actor, guard=guard)
    text = f"{cause}: {note}" if note else cause
    result.moves.append(stock_adjust(article=article, delta=-quantity, reason=StockMoveReason.WRITE_OFF,
                                     note=text, actor=actor, location=location))
    record(action=AuditAction.INVENTORY_STOCK_WRITTEN_OFF, obj=article, actor=actor,
           data={"location": location.code, "quantity": quantity, "cause": cause, "note": note[:200]})
    return result
