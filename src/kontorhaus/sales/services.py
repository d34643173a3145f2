import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Sum

from kontorhaus.catalog.models import Article, ArticleKind
from kontorhaus.core import clock, vat
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.models import NumberKind
from kontorhaus.core.money import db_amount
from kontorhaus.core.numbering import next_number
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.customers.models import Customer
from kontorhaus.customers.selectors import customer_lock
from kontorhaus.inventory.services import ReservationRequest, stock_release, stock_reserve

from .models import IntakeRequest, LineKind, SalesOrder, SalesOrderLine
from .progress import derive_fulfillment_state, derive_payment_state, derive_readiness
from .selectors import order_lock
from .states import TRANSITIONS, PartialDelivery, PaymentMethod, Readiness, SalesOrderStatus
from .taxes import OrderTaxes, order_buyer, order_taxes


@dataclass(frozen=True)
class PlacedLine:
    article: Article
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class OrderPlacement:
    """Everything an order is made of, already resolved (articles, customer) by the caller."""

    channel: str
    external_id: str
    placed_at: dt.datetime
    currency: str
    prices_include_vat: bool
    customer: Customer
    billing_address: dict
    shipping_address: dict
    lines: tuple[PlacedLine, ...]
    payment_method: str
    shipping_method: str = ""
    shipping_price: Decimal = Decimal("0.00")
    prepaid: bool = False
    require_stock: bool = False
    language: str = "de"
    partial_delivery: str = ""  # "" is the shop's default (KONTORHAUS["PARTIAL_DELIVERY_DEFAULT"])
    customer_snapshot: dict = field(default_factory=dict)


DELIVERED_NOT_SHIPPED = frozenset({ArticleKind.DIGITAL, ArticleKind.SERVICE})  # counted, not shipped
MAX_ORDER_TOTAL = Decimal("1000000000")  # one billion: far above any shop order, far below the columns


def _validate(placement: OrderPlacement) -> None:
    if not placement.lines:
        raise InvalidInput("an order needs at least one line", details={"field": "lines"})
    for index, line in enumerate(placement.lines):
        if line.quantity <= 0:
            raise InvalidInput("quantity must be positive", details={"field": f"lines.{index}.quantity"})
        if line.unit_price < 0:
            raise InvalidInput("price must not be negative", details={"field": f"lines.{index}.unit_price"})
    if placement.shipping_price < 0:
        raise InvalidInput("shipping price must not be negative", details={"field": "shipping.price"})
    if placement.payment_method not in PaymentMethod.values:
        raise InvalidInput("unknown payment method", details={"field": "payment.method"})
    if placement.partial_delivery and placement.partial_delivery not in PartialDelivery.values:
        raise InvalidInput("partial delivery is ship_available or wait", details={"field": "partial_delivery"})


def _taxes(placement: OrderPlacement, strategy: vat.Strategy) -> OrderTaxes:
    buyer = order_buyer(billing_address=placement.billing_address, shipping_address=placement.shipping_address,
                        vat_id=placement.customer_snapshot.get("vat_id") or "")
    has_shipping = bool(placement.shipping_price or placement.shipping_method)
    return order_taxes(
        lines=[(line.article, Decimal(line.quantity), line.unit_price) for line in placement.lines],
        shipping_price=placement.shipping_price if has_shipping else None, buyer=buyer,
        strategy=strategy, currency=placement.currency,
    )


def _order_lines(
    order: SalesOrder, placement: OrderPlacement, taxes: vat.DocumentTaxes, taxable: list[vat.TaxableLine]
) -> list[SalesOrderLine]:
    lines = []
    for position, (amounts, rate) in enumerate(zip(taxes.lines, taxable, strict=True), start=1):
        common = {
            "order": order, "position": position, "tax_rate": rate.tax.rate, "tax_category": rate.tax.category,
            "net": amounts.net, "tax": amounts.tax, "gross": amounts.gross, "unit_price": rate.unit_price,
        }
        if position <= len(placement.lines):
            placed = placement.lines[position - 1]
            lines.append(SalesOrderLine(
                kind=LineKind.ARTICLE, article=placed.article, sku=placed.article.sku, name=placed.article.name,
                article_kind=placed.article.kind, quantity=placed.quantity, **common,
            ))
        else:
            lines.append(SalesOrderLine(kind=LineKind.SHIPPING, name=placement.shipping_method or "Versand",
                                        quantity=1, **common))
    return lines


def _tax_breakdown(taxes: vat.DocumentTaxes) -> list[dict]:
    return [
        {"rate": str(b.tax.rate), "category": str(b.tax.category), "country": b.tax.country, "net": str(b.net),
         "tax": str(b.amount), "gross": str(b.gross), "rounding_difference": str(b.rounding_difference)}
        for b in taxes.buckets
    ]


@operation
def order_place(*, placement: OrderPlacement, actor: Actor) -> SalesOrder:
    """Store a new order with its lines and reserve its stock. With `require_stock` an order
    that cannot be fully reserved is refused (InsufficientStock) and nothing is stored."""
    _validate(placement)
    strategy = vat.Strategy.GROSS_BASED if placement.prices_include_vat else vat.Strategy.NET_BASED
    order_tax = _taxes(placement, strategy)
    taxable, taxes = order_tax.taxable, order_tax.amounts
    if taxes.total_gross >= MAX_ORDER_TOTAL:
        raise InvalidInput("the order total is implausibly large", details={"field": "lines"})
    paid = taxes.total_gross if placement.prepaid else Decimal(0)
    snapshot = placement.customer_snapshot
    order = SalesOrder(
        number=next_number(kind=NumberKind.SALES_ORDER, on=clock.today()),
        channel=placement.channel, external_id=placement.external_id, placed_at=placement.placed_at,
        language=placement.language, currency=placement.currency, prices_include_vat=placement.prices_include_vat,
        customer=placement.customer, customer_email=snapshot.get("email", placement.customer.email),
        customer_name=snapshot.get("name", placement.customer.name),
        customer_company=snapshot.get("company") or "", customer_vat_id=order_tax.buyer_vat_id,
        customer_phone=snapshot.get("phone") or "",
        billing_address=placement.billing_address, shipping_address=placement.shipping_address,
        shipping_method=placement.shipping_method, payment_method=placement.payment_method,
        tax_strategy=strategy, vat_case=order_tax.case,
        total_net=taxes.total_net, total_vat=taxes.total_tax, total_gross=taxes.total_gross,
        tax_breakdown=_tax_breakdown(taxes),
        payment_state=derive_payment_state(owed=taxes.total_gross, paid=paid, refunded=Decimal(0),
                                           total=taxes.total_gross),
        balance_due=taxes.total_gross - paid,
        partial_delivery=placement.partial_delivery or settings.KONTORHAUS["PARTIAL_DELIVERY_DEFAULT"],
    )
    if order.payment_method == PaymentMethod.INVOICE and order.customer.credit_limit is not None:
        # Two orders on account of one customer at once must not both pass the limit: the
        # second waits here until the first commits, then counts it (PostgreSQL; SQLite's
        # write lock already runs them one after the other).
        order.customer = customer_lock(customer=order.customer)
    lines = _order_lines(order, placement, taxes, taxable)
    requests = [
        ReservationRequest(article=line.article, quantity=line.quantity, line_position=line.position)
        for line in lines if line.article is not None and line.article.is_stocked
    ]
    results = stock_reserve(requests=requests, order_number=order.number,
                            require_all=placement.require_stock, actor=actor) if requests else []
    by_position = {r.line_position: r for r in results}
    for line in lines:
        if line.position in by_position:
            line.reserved_quantity = by_position[line.position].reserved
            line.backordered_quantity = by_position[line.position].backordered
    released = _release_gate(order, lines)
    order.save(force_insert=True)
    SalesOrderLine.objects.bulk_create(lines)
    order._prefetched_objects_cache = {"lines": lines}  # callers read the lines without a query
    record(action=AuditAction.SALES_ORDER_PLACED, obj=order, actor=actor, order_number=order.number,
           data={"channel": order.channel, "external_id": order.external_id, "total_gross": str(order.total_gross)})
    if released:
        _record_release(order, actor)
    return order


def ship_before_payment(method: str) -> bool:
    """The payment method's policy (settings): may goods leave before the money is in?"""
    return bool(settings.KONTORHAUS["SHIP_BEFORE_PAYMENT"].get(method, False))


def _release_gate(order: SalesOrder, lines: list[SalesOrderLine]) -> bool:
    """Derive readiness and, the first time the order is ready, release it to the warehouse
    (released orders stay released), and the fulfillment state from the lines' counters.
    Returns whether it was released just now. What is packed no longer waits for stock."""
    physical = [line for line in lines if line.article_kind == ArticleKind.PHYSICAL]
    order.readiness = derive_readiness(
        status=order.status, balance_due=order.balance_due,
        ship_before_payment=ship_before_payment(order.payment_method),
        reserved_by_line=[(line.quantity - line.packed_quantity, line.reserved_quantity) for line in physical],
        shipping_address=order.shipping_address,
        within_credit_limit=_within_credit_limit(order),
        ship_available=order.partial_delivery == PartialDelivery.SHIP_AVAILABLE,
    )
    released_now = order.readiness == Readiness.READY and order.released_at is None
    if released_now:
        order.released_at = clock.now()
    order.fulfillment_state = fulfillment_state_of(order, lines)
    return released_now


def fulfillment_state_of(order: SalesOrder, lines: list[SalesOrderLine]) -> str:
    physical = [line for line in lines if line.article_kind == ArticleKind.PHYSICAL]
    return derive_fulfillment_state(
        shipped_by_line=[(line.quantity, line.shipped_quantity) for line in physical],
        packed_by_line=[(line.quantity, line.packed_quantity) for line in physical],
        picking=any(line.picking_quantity or line.picked_quantity > line.packed_quantity for line in physical),
        released=order.released_at is not None,
        delivered_by_line=[(line.quantity, line.delivered_quantity) for line in lines
                           if line.article_kind in DELIVERED_NOT_SHIPPED],
        # a physical line's delivered_quantity counts units the carrier delivered
        carrier_delivered_by_line=[(line.quantity, line.delivered_quantity) for line in physical],
        returned_by_line=[(line.shipped_quantity, line.returned_quantity) for line in physical],
    )


def _within_credit_limit(order: SalesOrder) -> bool:
    """Purchase on account: what is due on this order plus on the customer's other open orders
    on account stays within the customer's credit limit (their `balance_due`: payments, refunds
    and credit notes already count)."""
    if order.payment_method != PaymentMethod.INVOICE or order.balance_due <= 0:
        return True  # asked first: reading the customer costs a query
    limit = order.customer.credit_limit
    if limit is None:
        return True
    others = SalesOrder.objects.filter(
        customer_id=order.customer_id, status=SalesOrderStatus.OPEN, payment_method=PaymentMethod.INVOICE,
        balance_due__gt=0,
    ).exclude(pk=order.pk)
    owed = db_amount(others.aggregate(total=Sum("balance_due"))["total"])
    return owed + order.balance_due <= limit


def _record_release(order: SalesOrder, actor: Actor) -> None:
    record(action=AuditAction.SALES_ORDER_RELEASED, obj=order, actor=actor, order_number=order.number,
           data={"payment_state": order.payment_state})


@operation
def order_release_refresh(*, order: SalesOrder, actor: Actor) -> SalesOrder:
    """Re-derive the release gate after a change that may affect it (payment, stock, address)."""
    return _release_refresh(order_lock(order=order), actor)


def _release_refresh(order: SalesOrder, actor: Actor) -> SalesOrder:
    """The release gate of an order already locked by the caller, derived anew and saved."""
    if _release_gate(order, list(order.lines.all())):
        _record_release(order, actor)
    order.save(update_fields=["readiness", "released_at", "fulfillment_state"])
    return order


@operation
def order_intake_remember(*, order: SalesOrder, client: str, key: str, request_hash: str) -> IntakeRequest:
    return IntakeRequest.objects.create(order=order, client=client, key=key, request_hash=request_hash)


@operation
def order_cancel(*, order: SalesOrder, actor: Actor, reason: str = "") -> SalesOrder:
    """Cancel an open order and give its reserved stock back. Cancelling twice is a no-op.

    Refused once anything of it is packed (goods are leaving or have left: that is a return,
    not a cancellation). Units on a pick list or picked go back with the stock (picked units
    are put back in their bin by `stock_release`); the caller has taken the order off its
    pick run first (flows.order_cancel)."""
    order = order_lock(order=order)
    if order.status == SalesOrderStatus.CANCELLED:
        return order
    packed = [line.position for line in SalesOrderLine.objects.filter(order=order, packed_quantity__gt=0)
              .only("position").order_by("position")]
    if packed:
        raise InvalidTransition(
            f"order {order.number} is packed: lines {', '.join(map(str, packed))} are in a shipment; "
            "it can no longer be cancelled (take the goods back as a return)",
            details={"field": "order", "reason": "packed", "positions": packed})
    fields = transition(order, to=SalesOrderStatus.CANCELLED, table=TRANSITIONS,
                        action=AuditAction.SALES_ORDER_CANCELLED, actor=actor, order_number=order.number,
                        data={"reason": reason})
    order.readiness = Readiness.CANCELLED
    stock_release(order_number=order.number, actor=actor)
    lines = list(SalesOrderLine.objects.filter(order=order))
    SalesOrderLine.objects.filter(order=order).update(reserved_quantity=0, backordered_quantity=0,
                                                      picking_quantity=0, picked_quantity=0)
    for line in lines:
        line.reserved_quantity = line.backordered_quantity = line.picking_quantity = line.picked_quantity = 0
    order.fulfillment_state = fulfillment_state_of(order, lines)
    order.save(update_fields=[*fields, "readiness", "fulfillment_state"])
    return order


@operation
def order_payment_state_refresh(*, order: SalesOrder, owed: Decimal, paid: Decimal, refunded: Decimal,
                                actor: Actor) -> SalesOrder:
    """Derive the payment view anew: the state shown and `balance_due` = owed - (paid -
    refunded), the only thing the release gate, digital delivery and the credit limit read.
    Sales knows no invoices or credit notes: the flow passes what is owed (billing's balance),
    after every change of it (payment, refund, credit note, cancellation)."""
    order = order_lock(order=order)
    state = derive_payment_state(owed=owed, paid=paid, refunded=refunded, total=order.total_gross)
    balance_due = owed - (paid - refunded)
    if state == order.payment_state and balance_due == order.balance_due:
        return order
    if state != order.payment_state:
        record(action=AuditAction.SALES_ORDER_PAYMENT_STATE_CHANGED, obj=order, actor=actor,
               order_number=order.number,
               data={"from": order.payment_state, "to": state, "balance_due": str(balance_due)})
    order.payment_state, order.balance_due = state, balance_due
    # The release gate follows the money at once, in the same transaction.
    if _release_gate(order, list(order.lines.all())):
        _record_release(order, actor)
    order.save(update_fields=["payment_state", "balance_due", "readiness", "released_at", "fulfillment_state"])
    return order


@operation
def order_lines_delivered(*, order: SalesOrder, positions: list[int], actor: Actor) -> SalesOrder:
    """Record that the customer has received these digital or service lines in full (a download
    link, a licence key) and derive the fulfillment state anew. Lines already delivered are
    left as they are; delivering nothing new is a no-op."""
    order = order_lock(order=order)
    lines = list(order.lines.all())
    by_position = {line.position: line for line in lines}
    for position in positions:
        line = by_position.get(position)
        if line is None or line.article_kind not in DELIVERED_NOT_SHIPPED:
            raise InvalidInput(f"line {position} is not a digital or service line of {order.number}",
                               details={"field": "positions", "position": position})
    changed = [line for p in sorted(set(positions)) if (line := by_position[p]).delivered_quantity < line.quantity]
    if not changed:
        return order
    for line in changed:
        line.delivered_quantity = line.quantity
    SalesOrderLine.objects.bulk_update(changed, ["delivered_quantity"])
    before = order.fulfillment_state
    if _release_gate(order, lines):
        _record_release(order, actor)
    order.save(update_fields=["readiness", "released_at", "fulfillment_state"])
    record(action=AuditAction.SALES_ORDER_LINES_DELIVERED, obj=order, actor=actor, order_number=order.number,
           data={"positions": [line.position for line in changed], "from": before, "to": order.fulfillment_state})
    return order


@operation
def order_line_reserved(*, order: SalesOrder, position: int, quantity: int, actor: Actor) -> SalesOrder:
    """Stock reserved later for a backordered line (stock arrived): the line's reserved and
    backordered quantities move, and the release gate is derived anew."""
    order = order_lock(order=order)
    line = SalesOrderLine.objects.select_for_update().get(order=order, position=position)
    if quantity <= 0 or quantity > line.backordered_quantity:
        raise InvalidInput(f"cannot reserve {quantity} for line {position}", details={"field": "quantity"})
    SalesOrderLine.objects.filter(pk=line.pk).update(
        reserved_quantity=F("reserved_quantity") + quantity, backordered_quantity=F("backordered_quantity") - quantity
    )
    return _release_refresh(order, actor)  # the order is locked above


@operation
def order_line_backordered(*, order: SalesOrder, position: int, quantity: int, actor: Actor) -> SalesOrder:
    """Reserved stock taken back from a line (a count found the bin short): the units are
    backordered again and wait for the next stock, and the release gate is derived anew (an
    order released before stays released: the warehouse sees the line short)."""
    order = order_lock(order=order)
    line = SalesOrderLine.objects.select_for_update().get(order=order, position=position)
    if quantity <= 0 or quantity > line.reserved_quantity:
        raise InvalidInput(f"cannot backorder {quantity} of line {position}", details={"field": "quantity"})
    SalesOrderLine.objects.filter(pk=line.pk).update(
        reserved_quantity=F("reserved_quantity") - quantity, backordered_quantity=F("backordered_quantity") + quantity
    )
    record(action=AuditAction.SALES_ORDER_LINE_BACKORDERED, obj=order, actor=actor, order_number=order.number,
           data={"line": position, "quantity": quantity})
    return _release_refresh(order, actor)  # the order is locked above
