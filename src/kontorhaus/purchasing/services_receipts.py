"""Goods receipts against purchase orders, and the average purchase price.

`goods_receipt_record` books the receipt on the purchase order (received quantities, its
status, the receipt row that makes the receipt id idempotent) and says where each unit goes;
the flow `flows.goods_received` then books the stock, updates the average price and hands the
units to waiting customer orders, article by article, in one transaction.

More than ordered is refused: the purchase order is what was agreed with the supplier, and
an over-delivery is a matter for the buyer (book the extra units as a stock adjustment, or
add them to a new purchase order), not for the person at the ramp.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import IdempotencyConflict, InvalidInput, InvalidTransition
from kontorhaus.core.money import quantize_unit_price
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.inventory.models import Location
from kontorhaus.inventory.services import stock_bin_for

from .models import ArticleCost, GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine
from .selectors import bin_for_receipt, stock_on_hand
from .services import MAX_QUANTITY
from .states import PURCHASE_ORDER_TRANSITIONS, RECEIVABLE, PurchaseOrderStatus

HOME_CURRENCY = "EUR"  # the currency the average purchase price is kept in
MAX_RECEIPT_LINES = 500


@dataclass(frozen=True)
class ReceiptLineRequest:
    code: str  # the article's SKU or GTIN, as typed or scanned
    quantity: int
    bin: str = ""  # a bin label of the purchase order's warehouse; empty: the article's default bin


@dataclass(frozen=True)
class BookedLine:
    article: Article
    location: Location
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class ReceiptResult:
    purchase_order: PurchaseOrder
    receipt: GoodsReceipt
    created: bool  # False: this receipt id was booked before; nothing was booked now
    lines: list[BookedLine]


def receipt_hash(lines: Sequence[ReceiptLineRequest]) -> str:
    canonical = sorted([line.code.strip(), line.quantity, line.bin.strip()] for line in lines)
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()


def _resolve(order: PurchaseOrder,
             lines: Sequence[ReceiptLineRequest]) -> list[tuple[PurchaseOrderLine, Location, int]]:
    by_code: dict[str, PurchaseOrderLine] = {}
    # of=self: the joined article rows stay unlocked (order intake's inserts check them as foreign keys).
    po_lines = order.lines.select_for_update(of=("self",)).select_related("article").order_by("position")
    for po_line in po_lines:
        by_code.setdefault(po_line.sku, po_line)
    for po_line in list(by_code.values()):
        if po_line.gtin:
            by_code.setdefault(po_line.gtin, po_line)
    resolved, seen, wanted = [], set(), defaultdict(int)
    for index, line in enumerate(lines):
        field = f"lines[{index}]"
        po_line = by_code.get(line.code.strip())
        if po_line is None:
            raise InvalidInput(f"{line.code.strip()[:64]!r} is not on purchase order {order.number}",
                               details={"field": f"{field}.sku"})
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or not (
                0 < line.quantity <= MAX_QUANTITY):
            raise InvalidInput(f"the quantity is a whole number from 1 to {MAX_QUANTITY}",
                               details={"field": f"{field}.quantity"})
        location = _bin(order, po_line, line.bin, f"{field}.bin")
        if (po_line.pk, location.pk) in seen:
            raise InvalidInput(f"{po_line.sku} into {location} appears twice", code="duplicate",
                               details={"field": f"{field}.sku"})
        seen.add((po_line.pk, location.pk))
        wanted[po_line.pk] += line.quantity
        if wanted[po_line.pk] > po_line.open_quantity:
            raise InvalidInput(
                f"{po_line.sku}: {wanted[po_line.pk]} received but only {po_line.open_quantity} of "
                f"{po_line.quantity} still open", code="over_receipt",
                details={"field": f"{field}.quantity", "sku": po_line.sku, "ordered": po_line.quantity,
                         "received": po_line.received_quantity, "open": po_line.open_quantity})
        resolved.append((po_line, location, line.quantity))
    return resolved


def _bin(order: PurchaseOrder, po_line: PurchaseOrderLine, label: str, field: str) -> Location:
    if not label.strip():
        return stock_bin_for(po_line.article, order.warehouse)
    try:
        return bin_for_receipt(warehouse=order.warehouse, label=label)
    except InvalidInput as error:
        raise InvalidInput(error.message, details={"field": field}) from None


def _stored(order: PurchaseOrder, key: str, request_hash: str) -> ReceiptResult | None:
    receipt = GoodsReceipt.objects.filter(purchase_order=order, key=key).first()
    if receipt is None:
        return None
    if receipt.request_hash != request_hash:
        raise IdempotencyConflict(f"receipt id {key[:60]!r} was used for a different receipt",
                                  details={"field": "Idempotency-Key"})
    return ReceiptResult(order, receipt, created=False, lines=[])


@operation
def goods_receipt_record(*, purchase_order: PurchaseOrder, key: str, lines: Sequence[ReceiptLineRequest],
                         actor: Actor) -> ReceiptResult:
    """Record a delivery on the purchase order (full or partial) and return where each unit
    goes. The same `key` with the same lines returns the stored receipt and books nothing; with
    other lines it is an IdempotencyConflict. The stock itself is booked by the caller (the
    flow goods_received) in the same transaction."""
    key = key.strip()
    if not key or len(key) > 200:
        raise InvalidInput("a receipt needs an id of 1-200 characters", details={"field": "Idempotency-Key"})
    if not lines:
        raise InvalidInput("a receipt needs at least one line", details={"field": "lines"})
    if len(lines) > MAX_RECEIPT_LINES:
        raise InvalidInput(f"at most {MAX_RECEIPT_LINES} lines", details={"field": "lines"})
    # The purchase order's row serialises receipts against it: a repeated key waits here for the
    # first one's commit and then finds its row.
    order = (PurchaseOrder.objects.select_for_update(of=("self",)).select_related("warehouse")
             .get(pk=purchase_order.pk))
    request_hash = receipt_hash(lines)
    stored = _stored(order, key, request_hash)
    if stored is not None:
        return stored
    if order.status not in RECEIVABLE:
        hint = " (order it first)" if order.status == PurchaseOrderStatus.DRAFT else ""
        raise InvalidTransition(f"purchase order {order.number} is {order.status}: nothing can be received{hint}",
                                details={"status": order.status})
    resolved = _resolve(order, lines)
    try:
        with transaction.atomic():
            receipt = GoodsReceipt.objects.create(purchase_order=order, key=key, request_hash=request_hash,
                                                  actor=str(actor))
    except IntegrityError:  # pragma: no cover -- the row lock above makes this a double safety net
        raise IdempotencyConflict("this receipt id is being booked right now", details={"field": "Idempotency-Key"})
    GoodsReceiptLine.objects.bulk_create(
        [GoodsReceiptLine(receipt=receipt, po_line=po_line, location=location, quantity=quantity)
         for po_line, location, quantity in resolved])
    for po_line, _location, quantity in resolved:
        PurchaseOrderLine.objects.filter(pk=po_line.pk).update(received_quantity=F("received_quantity") + quantity)
    _advance(order, actor, key)
    record(action=AuditAction.PURCHASING_GOODS_RECEIPT_BOOKED, obj=order, actor=actor,
           data={"receipt": key, "lines": [{"sku": line.sku, "quantity": q, "bin": loc.code}
                                           for line, loc, q in resolved]})
    booked = [BookedLine(line.article, location, quantity, line.unit_price) for line, location, quantity in resolved]
    return ReceiptResult(order, receipt, created=True, lines=booked)


def _advance(order: PurchaseOrder, actor: Actor, key: str) -> None:
    complete = not order.lines.filter(received_quantity__lt=F("quantity")).exists()
    to = PurchaseOrderStatus.RECEIVED if complete else PurchaseOrderStatus.PARTIALLY_RECEIVED
    fields = transition(order, to=to, table=PURCHASE_ORDER_TRANSITIONS,
                        action=AuditAction.PURCHASING_PURCHASE_ORDER_RECEIVED, actor=actor, data={"receipt": key})
    if fields:
        order.save(update_fields=fields)


def _cost_row(article: Article, price: Decimal) -> ArticleCost:
    """The article's cost row, locked (created on its first receipt). The lock also queues
    receipts of the same article one behind the other, so the backorder allocation that follows
    sees the previous receipt's reservations."""
    if not ArticleCost.objects.filter(article=article).exists():
        try:
            with transaction.atomic():
                ArticleCost.objects.create(article=article, average_price=price, last_price=price,
                                           currency=HOME_CURRENCY)
        except IntegrityError:
            pass  # created concurrently
    return ArticleCost.objects.select_for_update().get(article=article)


@operation
def article_cost_update(*, article: Article, quantity: int, unit_price: Decimal, currency: str,
                        actor: Actor) -> ArticleCost:
    """Weigh `quantity` units at `unit_price` into the moving average, before they are booked:
    new = (average x on hand + price x quantity) / (on hand + quantity). Stock that was on hand
    before the first receipt counts at the first receipt's price. Purchases in another currency
    leave the average alone (no exchange rates here) but still take the lock."""
    cost = _cost_row(article, unit_price)
    if currency != cost.currency:
        return cost
    on_hand = max(stock_on_hand(article=article), 0)
    total = on_hand + quantity
    average = quantize_unit_price((cost.average_price * on_hand + unit_price * quantity) / total) if total else (
        unit_price)
    ArticleCost.objects.filter(pk=cost.pk).update(average_price=average, last_price=unit_price,
                                                  updated_at=clock.now())
    record(action=AuditAction.PURCHASING_ARTICLE_COST_UPDATED, obj=article, actor=actor,
           data={"before": str(cost.average_price), "after": str(average), "on_hand": on_hand,
                 "quantity": quantity, "unit_price": str(unit_price)})
    cost.average_price, cost.last_price = average, unit_price
    return cost
