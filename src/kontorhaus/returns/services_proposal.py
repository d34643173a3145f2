"""The refund proposal of an inspected return, written on it (returns.proposal computes it).

It is asked for after the inspection's goods were counted back to their orders
(flows.return_received): whether the order came back in full — and so whether the outbound
shipping is refunded — is read from what sales counts as returned (every ordered unit shipped
and back), never from the registrations, which include wrong items and units not shipped."""

from decimal import Decimal

from django.db.models import Sum

from kontorhaus.catalog.models import ArticleKind
from kontorhaus.core.audit import Actor
from kontorhaus.core.money import ZERO, quantize
from kontorhaus.core.transactions import operation
from kontorhaus.sales.models import LineKind, SalesOrder, SalesOrderLine

from .models import ReturnLine, ReturnRequest
from .proposal import LineFacts, OrderFacts, Rules, line_goods, refund_proposal
from .services import return_policy_get
from .services_inspection import _move, return_lock
from .states import Condition, ReturnStatus, ShippingPaidBy


def _fully_returned(order: SalesOrder) -> bool:
    physical = [line for line in order.lines.filter(kind=LineKind.ARTICLE) if line.article_kind == ArticleKind.PHYSICAL]
    return bool(physical) and all(line.returned_quantity >= line.quantity for line in physical)


def _order_facts(order: SalesOrder, shipping_refunded: set[str]) -> OrderFacts:
    shipping = order.lines.filter(kind=LineKind.SHIPPING).aggregate(total=Sum("gross"))["total"] or ZERO
    # SQLite sums decimals as floats (4.90000000000000): back to cents before any arithmetic.
    return OrderFacts(number=order.number, currency=order.currency, shipping_gross=quantize(shipping, order.currency),
                      fully_returned=_fully_returned(SalesOrder.objects.get(pk=order.pk)),
                      shipping_refunded_before=order.number in shipping_refunded)


def _shipping_refunded_before(request: ReturnRequest, numbers: list[str]) -> set[str]:
    earlier = (ReturnRequest.objects.filter(lines__order__number__in=numbers)
               .exclude(pk=request.pk).exclude(status=ReturnStatus.CANCELLED).distinct())
    return {p["order"] for r in earlier for p in r.proposal if Decimal(p.get("shipping", "0")) > 0}


def _earlier(request: ReturnRequest, line: ReturnLine) -> tuple[int, Decimal]:
    """Units of the same order line on other returns whose goods were valued, and that value."""
    rows = (ReturnLine.objects.filter(order=line.order, order_line_position=line.order_line_position,
                                      refund_goods__isnull=False)
            .exclude(request=request).exclude(request__status=ReturnStatus.CANCELLED)
            .exclude(condition=Condition.WRONG_ITEM).aggregate(units=Sum("quantity"), goods=Sum("refund_goods")))
    return rows["units"] or 0, quantize(rows["goods"] or ZERO, line.order.currency)


def _line_facts(request: ReturnRequest, lines: list[ReturnLine]) -> list[LineFacts]:
    """Facts per line, each knowing what earlier returns and earlier lines of this one took of
    its order line; each line's goods are kept on it for the returns after it."""
    facts, before = [], {}
    for line in lines:
        key = (line.order_id, line.order_line_position)
        ordered: SalesOrderLine = line.order.lines.get(position=line.order_line_position)
        if key not in before:
            before[key] = _earlier(request, line)
        units, goods = before[key]
        fact = LineFacts(order_number=line.order.number, units=line.quantity, ordered_units=ordered.quantity,
                         ordered_gross=ordered.gross, condition=line.condition, loss_of_value=line.loss_of_value,
                         earlier_units=units, earlier_goods=goods)
        line.refund_goods = line_goods(fact, line.order.currency)
        if line.condition != Condition.WRONG_ITEM:
            before[key] = (units + line.quantity, goods + line.refund_goods)
        facts.append(fact)
    ReturnLine.objects.bulk_update(lines, ["refund_goods"])
    return facts


@operation
def return_propose(*, request: ReturnRequest, actor: Actor) -> ReturnRequest:
    """Compute and keep the proposal of an inspected return (once); a refund above zero makes
    it "refund proposed". A return not (fully) inspected yet, or proposed before, is left as it is."""
    request = return_lock(request=request)
    if request.status != ReturnStatus.INSPECTED or request.refund_proposed_at is not None or request.proposal:
        return request
    ordered = list(request.lines.filter(order__isnull=False).select_related("order").order_by("position"))
    if not ordered:
        return request  # goods without an order: nothing to refund, the back office closes it
    orders = {line.order.number: line.order for line in ordered}
    facts = _line_facts(request, ordered)
    refunded = _shipping_refunded_before(request, sorted(orders))
    policy = return_policy_get()
    fee = (policy.return_shipping_fee if request.shipping_paid_by == ShippingPaidBy.CUSTOMER
           and request.label_tracking_number else ZERO)
    proposal = refund_proposal(lines=facts, orders=[_order_facts(orders[n], refunded) for n in sorted(orders)],
                               rules=Rules(standard_delivery_gross=policy.standard_delivery_gross, return_fee=fee))
    request.proposal = proposal
    request.refund_total = sum((Decimal(p["total"]) for p in proposal), ZERO)
    request.save(update_fields=["proposal", "refund_total"])
    if request.refund_total > 0:
        _move(request, ReturnStatus.REFUND_PROPOSED, actor, {"total": str(request.refund_total)})
    return request
