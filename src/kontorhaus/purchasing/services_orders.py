"""Purchase orders (Bestellungen): create (from lines or a confirmed reorder proposal), order
(send to the supplier by e-mail with the PDF), cancel."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock, formatting
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import NumberKind
from kontorhaus.core.money import has_at_most_places, quantize
from kontorhaus.core.numbering import next_number
from kontorhaus.core.selectors import company_profile_get, company_profile_name
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.inventory.models import Warehouse
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue

from .models import PurchaseOrder, PurchaseOrderLine, Supplier, SupplierTerms
from .services import MAX_PRICE, MAX_QUANTITY
from .states import PURCHASE_ORDER_TRANSITIONS, PurchaseOrderStatus

MAX_LINES = 500


@dataclass(frozen=True)
class PurchaseOrderLineRequest:
    article: Article
    quantity: int
    unit_price: Decimal | None = None  # None: the supplier's purchase price


@dataclass(frozen=True)
class PurchaseOrderRequest:
    supplier: Supplier
    warehouse: Warehouse
    lines: Sequence[PurchaseOrderLineRequest]
    note: str = ""


def _line(index: int, request: PurchaseOrderLineRequest, terms: SupplierTerms | None,
          currency: str) -> PurchaseOrderLine:
    field = f"lines[{index}]"
    article = request.article
    if not article.is_stocked:
        raise InvalidInput(f"{article.sku} is not a stocked article", details={"field": f"{field}.sku"})
    if isinstance(request.quantity, bool) or not isinstance(request.quantity, int) or not (
            0 < request.quantity <= MAX_QUANTITY):
        raise InvalidInput(f"the quantity is a whole number from 1 to {MAX_QUANTITY}",
                           details={"field": f"{field}.quantity"})
    price = request.unit_price if request.unit_price is not None else (terms.purchase_price if terms else None)
    if price is None:
        raise InvalidInput(f"the supplier has no terms for {article.sku}: give a unit price",
                           details={"field": f"{field}.unit_price"})
    if not price.is_finite() or price < 0 or price > MAX_PRICE or not has_at_most_places(price, 4):
        raise InvalidInput("the unit price is an amount of at least 0 with at most 4 decimal places",
                           details={"field": f"{field}.unit_price"})
    return PurchaseOrderLine(
        position=index + 1, article=article, sku=article.sku, gtin=article.gtin, name=article.name[:200],
        supplier_sku=terms.supplier_sku if terms else "", quantity=request.quantity, unit_price=price,
        net=quantize(price * request.quantity, currency),
    )


@operation
def purchase_order_create(*, request: PurchaseOrderRequest, actor: Actor) -> PurchaseOrder:
    """A draft purchase order; prices and supplier SKUs come from the supplier's terms unless
    a line names its own price."""
    supplier, lines = request.supplier, request.lines
    if not supplier.active:
        raise InvalidInput(f"supplier {supplier.number} is inactive", details={"field": "supplier"})
    if not lines:
        raise InvalidInput("a purchase order needs at least one line", details={"field": "lines"})
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"at most {MAX_LINES} lines", details={"field": "lines"})
    if len(request.note) > 2000:
        raise InvalidInput("the note is longer than 2000 characters", details={"field": "note"})
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line.article.pk in seen:
            raise InvalidInput(f"{line.article.sku} appears twice", code="duplicate",
                               details={"field": f"lines[{index}].sku"})
        seen.add(line.article.pk)
    terms = {t.article_id: t for t in SupplierTerms.objects.filter(supplier=supplier, article_id__in=seen)}
    built = [_line(i, line, terms.get(line.article.pk), supplier.currency) for i, line in enumerate(lines)]
    number = next_number(kind=NumberKind.PURCHASE_ORDER, on=clock.today())
    order = PurchaseOrder.objects.create(
        number=number, supplier=supplier, warehouse=request.warehouse, supplier_name=supplier.name,
        supplier_email=supplier.email, supplier_address=supplier.address, supplier_vat_id=supplier.vat_id,
        language=supplier.language, currency=supplier.currency, payment_terms_days=supplier.payment_terms_days,
        note=request.note.strip(), total_net=sum((line.net for line in built), Decimal("0.00")),
        created_by=str(actor),
    )
    for line in built:
        line.purchase_order = order
    PurchaseOrderLine.objects.bulk_create(built)
    record(action=AuditAction.PURCHASING_PURCHASE_ORDER_CREATED, obj=order, actor=actor,
           data={"supplier": supplier.number, "warehouse": request.warehouse.code, "lines": len(built),
                 "total_net": str(order.total_net)})
    return order


@operation
def purchase_orders_create(*, requests: Sequence[PurchaseOrderRequest], actor: Actor) -> list[PurchaseOrder]:
    """Confirmed reorder proposals: one purchase order each, all or none. Lines with quantity 0
    were taken out by the user; a proposal left without lines gives no order."""
    created = []
    for request in requests:
        lines = [line for line in request.lines if line.quantity != 0]
        if lines:
            created.append(purchase_order_create(
                request=PurchaseOrderRequest(request.supplier, request.warehouse, lines, request.note), actor=actor))
    if not created:
        raise InvalidInput("nothing to order: every quantity is 0", details={"field": "lines"})
    return created


def _lock(order: PurchaseOrder) -> PurchaseOrder:
    # of=self: locking the joined supplier and warehouse rows too would block other writers for nothing.
    return (PurchaseOrder.objects.select_for_update(of=("self",)).select_related("supplier", "warehouse")
            .get(pk=order.pk))


def _expected_on(order: PurchaseOrder) -> dt.date:
    lead = SupplierTerms.objects.filter(supplier_id=order.supplier_id,
                                        article_id__in=order.lines.values("article_id")).values_list(
        "lead_time_days", flat=True)
    return clock.today() + dt.timedelta(days=max(lead, default=0))


def purchase_order_email_context(order: PurchaseOrder) -> dict:
    profile = company_profile_get()
    address = "\n".join(p for p in (
        profile.name if profile else company_profile_name(), profile.street if profile else "",
        f"{profile.postal_code} {profile.city}".strip() if profile else "",
    ) if p)
    return {
        "shop_name": company_profile_name(), "contact_name": order.supplier_address.get("name", ""),
        "po_number": order.number, "total": formatting.money(order.total_net, order.currency, order.language),
        "delivery_address": address,
    }


@operation
def purchase_order_send(*, purchase_order: PurchaseOrder, actor: Actor) -> PurchaseOrder:
    """Order the draft: it is fixed from now on, and the e-mail to the supplier is queued with
    the PDF attached (rendered and stored when the e-mail is sent, so the stored PDF is the one
    the supplier got). Ordering an ordered purchase order again is a no-op."""
    order = _lock(purchase_order)
    if order.status == PurchaseOrderStatus.ORDERED:
        return order
    fields = transition(order, to=PurchaseOrderStatus.ORDERED, table=PURCHASE_ORDER_TRANSITIONS,
                        action=AuditAction.PURCHASING_PURCHASE_ORDER_ORDERED, actor=actor,
                        data={"to_email": order.supplier_email})
    order.expected_on = _expected_on(order)
    order.save(update_fields=[*fields, "expected_on"])
    email_enqueue(template=EmailTemplate.PURCHASE_ORDER, to=order.supplier_email, language=order.language,
                  context=purchase_order_email_context(order),
                  attachments=[{"kind": "purchase_order", "number": order.number}],
                  related_type="purchasing.purchaseorder", related_ref=order.number)
    return order


@operation
def purchase_order_cancel(*, purchase_order: PurchaseOrder, actor: Actor, reason: str = "") -> PurchaseOrder:
    """Cancel what has not arrived. Goods already received stay booked. Cancelling a cancelled
    purchase order is a no-op."""
    order = _lock(purchase_order)
    fields = transition(order, to=PurchaseOrderStatus.CANCELLED, table=PURCHASE_ORDER_TRANSITIONS,
                        action=AuditAction.PURCHASING_PURCHASE_ORDER_CANCELLED, actor=actor,
                        data={"reason": reason[:200]})
    if fields:
        order.save(update_fields=fields)
    return order
