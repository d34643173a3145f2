"""Stock counted or written off: the difference is booked; where a bin now holds fewer units
than were promised from it, the newest reservations there are taken back and their order lines
are backordered again; then whatever is free (more counted than expected, or stock in other
bins) goes to the waiting orders, oldest first. One transaction: all of it or nothing.

Refused when it would take back units on an open pick list (naming the run: finish it first).
Locks as picking and packing take them: first the orders with reservations in the counted bins
(sorted), then the stock rows and reservations; which of those orders have units there on an
open pick run is read once they are locked (a run cannot take or drop them meanwhile)."""

from collections.abc import Sequence

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor
from kontorhaus.core.transactions import flow
from kontorhaus.flows.stock_received import backorders_allocate
from kontorhaus.fulfillment.selectors_picking import open_pick_runs_for
from kontorhaus.inventory.models import Location
from kontorhaus.inventory.selectors import reserved_order_numbers_in
from kontorhaus.inventory.services_counts import (
    CountLine,
    CountResult,
    TakeBackGuard,
    TakenBack,
    stock_count_book,
    stock_write_off,
)
from kontorhaus.sales.selectors import order_get, orders_lock
from kontorhaus.sales.services import order_line_backordered


def _guard(places: set[tuple[int, int]]) -> TakeBackGuard:
    locked = orders_lock(numbers=reserved_order_numbers_in(places=places))
    return TakeBackGuard(locked_orders=frozenset(locked),
                         on_pick_runs=open_pick_runs_for(order_numbers=sorted(locked), places=places))


@flow
def stock_counted(*, lines: Sequence[CountLine], note: str, actor: Actor) -> CountResult:
    guard = _guard({(line.article.pk, line.location.pk) for line in lines})
    result = stock_count_book(lines=lines, note=note, actor=actor, guard=guard)
    _backorder(result.taken_back, actor)
    changed = {d["sku"] for d in result.differences if d["difference"]}
    for article in {line.article.pk: line.article for line in lines if line.article.sku in changed}.values():
        backorders_allocate(article=article, actor=actor)
    return result


@flow
def stock_written_off(*, article: Article, location: Location, quantity: int, cause: str,  # noqa: PLR0913
                      note: str, actor: Actor) -> CountResult:
    result = stock_write_off(article=article, location=location, quantity=quantity, cause=cause, note=note,
                             actor=actor, guard=_guard({(article.pk, location.pk)}))
    if result.taken_back:
        _backorder(result.taken_back, actor)
        backorders_allocate(article=article, actor=actor)  # free units in other bins, if any
    return result


def _backorder(taken_back: list[TakenBack], actor: Actor) -> None:
    for taken in sorted(taken_back, key=lambda t: (t.order_number, t.line_position)):
        order_line_backordered(order=order_get(number=taken.order_number), position=taken.line_position,
                               quantity=taken.quantity, actor=actor)
