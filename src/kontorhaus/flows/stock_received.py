"""Stock in: a receipt or a positive count adjustment is booked, and what arrived goes to the
orders waiting for it, oldest first — each of which may then be released to the warehouse.
One transaction: the stock is either booked and allocated, or neither."""

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor
from kontorhaus.core.transactions import flow
from kontorhaus.inventory.models import StockMove
from kontorhaus.inventory.services import ReservationRequest, stock_adjust, stock_reserve
from kontorhaus.sales.selectors import backordered_line_list
from kontorhaus.sales.services import order_line_reserved


@flow
def stock_adjusted(*, article: Article, delta: int, reason: str, note: str, actor: Actor) -> StockMove:
    move = stock_adjust(article=article, delta=delta, reason=reason, note=note, actor=actor)
    if delta > 0:
        backorders_allocate(article=article, actor=actor)
    return move


def backorders_allocate(*, article: Article, actor: Actor) -> None:
    """Reserve available stock for backordered lines, oldest order first."""
    for line in backordered_line_list(article_id=article.pk):
        [result] = stock_reserve(
            requests=[ReservationRequest(article=article, quantity=line.backordered_quantity,
                                         line_position=line.position)],
            order_number=line.order.number, require_all=False, actor=actor,
        )
        if result.reserved == 0:
            break  # nothing left for the next ones either
        order_line_reserved(order=line.order, position=line.position, quantity=result.reserved, actor=actor)
