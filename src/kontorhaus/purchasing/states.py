"""The purchase order's lifecycle (STYLE 9): changed only through `core.statemachine.transition`.

A draft is edited and then ordered (sent to the supplier); from then on its lines are fixed.
Goods receipts move it to partially received and received. Cancelling is possible until
everything has arrived: a partly received order that is cancelled keeps what arrived, and its
open rest no longer counts as "on order" for the reorder list. Received and cancelled are final.
"""

from django.db import models


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ORDERED = "ordered", "Ordered"
    PARTIALLY_RECEIVED = "partially_received", "Partially received"
    RECEIVED = "received", "Received"
    CANCELLED = "cancelled", "Cancelled"


S = PurchaseOrderStatus

PURCHASE_ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ORDERED, S.CANCELLED}),
    S.ORDERED: frozenset({S.PARTIALLY_RECEIVED, S.RECEIVED, S.CANCELLED}),
    S.PARTIALLY_RECEIVED: frozenset({S.RECEIVED, S.CANCELLED}),
    S.RECEIVED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Whose open quantities count as "on order" in the reorder list: a draft too, so that a
# confirmed proposal is not proposed a second time before it is sent.
OPEN = frozenset({S.DRAFT, S.ORDERED, S.PARTIALLY_RECEIVED})
RECEIVABLE = frozenset({S.ORDERED, S.PARTIALLY_RECEIVED})
