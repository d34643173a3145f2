"""Goods received against a purchase order: the delivery is recorded on the purchase order,
then article by article its average purchase price is updated, the units are booked into
their bins, and what arrived goes to the customer orders waiting for it, oldest first — each
of which may then be released to the warehouse. One transaction: all of it or nothing.

Article by article and in article order, so that this flow takes stock rows in the same order
as order intake does (inventory.stock_reserve): a receipt of A and B and an order of A and B
never wait on each other crosswise. The article's cost row, locked first, queues two receipts
of the same article, so the second one's allocation sees the first one's reservations.

A receipt id booked before books nothing again: the stored receipt is returned
(`created` False), and no stock moves.
"""

from collections.abc import Sequence

from kontorhaus.core.audit import Actor
from kontorhaus.core.transactions import flow
from kontorhaus.inventory.models import StockMoveReason
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.purchasing.models import PurchaseOrder
from kontorhaus.purchasing.services_receipts import (
    ReceiptLineRequest,
    ReceiptResult,
    article_cost_update,
    goods_receipt_record,
)

from .stock_received import backorders_allocate


@flow
def goods_received(*, purchase_order: PurchaseOrder, key: str, lines: Sequence[ReceiptLineRequest],
                   actor: Actor) -> ReceiptResult:
    result = goods_receipt_record(purchase_order=purchase_order, key=key, lines=lines, actor=actor)
    if not result.created:
        return result
    order = result.purchase_order
    by_article: dict[int, list] = {}
    for line in result.lines:
        by_article.setdefault(line.article.pk, []).append(line)
    for article_id in sorted(by_article):
        booked = by_article[article_id]
        article = booked[0].article
        article_cost_update(article=article, quantity=sum(line.quantity for line in booked),
                            unit_price=booked[0].unit_price, currency=order.currency, actor=actor)
        for line in booked:
            stock_adjust(article=article, delta=line.quantity, reason=StockMoveReason.RECEIPT,
                         note=f"{order.supplier_name[:150]}", actor=actor, location=line.location,
                         reference=order.number)
        backorders_allocate(article=article, actor=actor)
    return result
