"""A return's way through the warehouse: received, inspected line by line, refund proposed,
refunded or closed — or cancelled before the goods are inspected. Every status change goes
through core.statemachine and lands on the timeline of each order the return touches."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.money import ZERO, has_at_most_places, quantize
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.inventory.models import Location, LocationKind
from kontorhaus.sales.models import LineKind, SalesOrder

from .models import ReturnLine, ReturnRequest, Withdrawal
from .proposal import LineFacts, OrderFacts, Rules, refund_proposal
from .services import return_policy_get, returnable_quantities
from .states import TRANSITIONS, Condition, Disposition, ReturnStatus, ShippingPaidBy

ACTIONS = {
    ReturnStatus.RECEIVED: AuditAction.RETURNS_RETURN_RECEIVED,
    ReturnStatus.INSPECTED: AuditAction.RETURNS_RETURN_INSPECTED,
    ReturnStatus.REFUND_PROPOSED: AuditAction.RETURNS_RETURN_REFUND_PROPOSED,
    ReturnStatus.REFUNDED: AuditAction.RETURNS_RETURN_REFUNDED,
    ReturnStatus.CLOSED: AuditAction.RETURNS_RETURN_CLOSED,
    ReturnStatus.CANCELLED: AuditAction.RETURNS_RETURN_CANCELLED,
}
# What may happen to the goods of a line, by what the warehouse found.
DISPOSITIONS = {
    Condition.RESELLABLE: frozenset({Disposition.RESTOCKED}),
    Condition.DAMAGED: frozenset({Disposition.WRITTEN_OFF, Disposition.QUARANTINED}),
    Condition.WRONG_ITEM: frozenset({Disposition.FLAGGED, Disposition.QUARANTINED}),
}
NEEDS_BIN = frozenset({Disposition.RESTOCKED, Disposition.QUARANTINED})


@dataclass(frozen=True)
class LineInspection:
    position: int  # the return line's position
    condition: str
    disposition: str
    location: Location | None = None  # the bin, for restocked and quarantined goods
    loss_of_value: Decimal = ZERO
    note: str = ""


def return_lock(*, request: ReturnRequest) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update(of=("self",)).select_related("order").get(pk=request.pk)


def return_order_numbers(*, request: ReturnRequest) -> list[str]:
    numbers = set(request.lines.filter(order__isnull=False).values_list("order__number", flat=True))
    if request.order is not None:
        numbers.add(request.order.number)
    return sorted(numbers)


def _move(request: ReturnRequest, to: str, actor: Actor, data: dict | None = None) -> None:
    numbers = return_order_numbers(request=request) or [""]
    fields = transition(request, to=to, table=TRANSITIONS, action=ACTIONS[to], actor=actor,
                        order_number=numbers[0], data={"return": request.number, **(data or {})})
    if fields:
        request.save(update_fields=fields)
        for number in numbers[1:]:  # the timeline of every other order it touches
            record(action=ACTIONS[to], obj=request, actor=actor, order_number=number,
                   data={"return": request.number, "to": to, **(data or {})})


@operation
def return_receive(*, request: ReturnRequest, actor: Actor) -> ReturnRequest:
    request = return_lock(request=request)
    if request.status != ReturnStatus.REGISTERED:
        raise InvalidTransition(f"return {request.number} is {request.status}, not waiting for its goods",
                                code="already_received", details={"status": request.status})
    _move(request, ReturnStatus.RECEIVED, actor)
    return request


@operation
def return_cancel(*, request: ReturnRequest, actor: Actor, reason: str = "") -> ReturnRequest:
    request = return_lock(request=request)
    _move(request, ReturnStatus.CANCELLED, actor, {"reason": reason[:200]})
    return request


@operation
def return_close(*, request: ReturnRequest, actor: Actor, reason: str = "") -> ReturnRequest:
    """Done without (further) refund: goods without an order, a wrong item, a goodwill case."""
    request = return_lock(request=request)
    _move(request, ReturnStatus.CLOSED, actor, {"reason": reason[:200]})
    return request


def _check_inspection(line: ReturnLine, inspection: LineInspection) -> None:
    where = f"lines[{inspection.position}]"
    if line.inspected_at is not None:
        raise InvalidInput(f"line {line.position} is inspected already", code="already_inspected",
                           details={"field": where})
    allowed = DISPOSITIONS.get(inspection.condition)
    if allowed is None:
        raise InvalidInput(f"{where}: unknown condition {inspection.condition!r}",
                           details={"field": f"{where}.condition"})
    if inspection.disposition not in allowed:
        raise InvalidInput(f"{where}: {inspection.condition} goods cannot be {inspection.disposition or 'left open'}",
                           details={"field": f"{where}.disposition"})
    if inspection.disposition in NEEDS_BIN:
        if inspection.location is None or inspection.location.kind != LocationKind.STOCK:
            raise InvalidInput(f"{where}: name the bin", details={"field": f"{where}.bin"})
        sellable = inspection.location.warehouse is not None and inspection.location.warehouse.sellable
        if sellable != (inspection.disposition == Disposition.RESTOCKED):
            raise InvalidInput(f"{where}: resellable goods go into a sellable warehouse, quarantined ones into a "
                               "non-sellable one", details={"field": f"{where}.bin"})
    if line.article is None or not line.article.is_stocked:
        raise InvalidInput(f"{where}: no stocked article on this line", details={"field": where})
    loss = inspection.loss_of_value
    if loss < 0 or not has_at_most_places(loss, 2) or loss > line.unit_gross * line.quantity:
        raise InvalidInput(f"{where}: the loss of value is between 0 and the line's value",
                           details={"field": f"{where}.loss_of_value"})
    if len(inspection.note) > 500:
        raise InvalidInput(f"{where}: the note is too long", details={"field": f"{where}.note"})


@operation
def return_lines_inspect(*, request: ReturnRequest, inspections: list[LineInspection],
                         actor: Actor) -> list[ReturnLine]:
    """Record what was found; the caller moves the stock (flows.return_received). The last line
    inspected makes the return inspected."""
    request = return_lock(request=request)
    if request.status != ReturnStatus.RECEIVED:
        raise InvalidTransition(f"return {request.number} is {request.status}; only received goods are inspected",
                                details={"status": request.status})
    lines = {line.position: line for line in request.lines.select_related("article", "order")}
    if not inspections or len({i.position for i in inspections}) != len(inspections):
        raise InvalidInput("name each line to inspect once", details={"field": "lines"})
    for inspection in inspections:
        if inspection.position not in lines:
            raise InvalidInput(f"return {request.number} has no line {inspection.position}", details={"field": "lines"})
        _check_inspection(lines[inspection.position], inspection)
    now, done = clock.now(), []
    for inspection in inspections:
        line = lines[inspection.position]
        line.condition, line.disposition, line.location = (inspection.condition, inspection.disposition,
                                                           inspection.location)
        line.loss_of_value, line.inspection_note, line.inspected_at = inspection.loss_of_value, inspection.note, now
        done.append(line)
    ReturnLine.objects.bulk_update(done, ["condition", "disposition", "location", "loss_of_value", "inspection_note",
                                          "inspected_at"])
    if all(line.inspected_at is not None for line in lines.values()):
        _move(request, ReturnStatus.INSPECTED, actor, {"lines": [
            {"position": line.position, "condition": line.condition, "disposition": line.disposition}
            for line in lines.values()]})
        _propose(request, list(lines.values()), actor)
    return done


def _order_facts(order: SalesOrder, shipping_refunded: set[str]) -> OrderFacts:
    shipping = order.lines.filter(kind=LineKind.SHIPPING).aggregate(total=Sum("gross"))["total"] or ZERO
    left = returnable_quantities(order=order)
    # SQLite sums decimals as floats (4.90000000000000): back to cents before any arithmetic.
    return OrderFacts(number=order.number, currency=order.currency, shipping_gross=quantize(shipping, order.currency),
                      fully_returned=bool(left) and all(units <= 0 for units in left.values()),
                      shipping_refunded_before=order.number in shipping_refunded)


def _shipping_refunded_before(request: ReturnRequest, numbers: list[str]) -> set[str]:
    earlier = (ReturnRequest.objects.filter(lines__order__number__in=numbers)
               .exclude(pk=request.pk).exclude(status=ReturnStatus.CANCELLED).distinct())
    return {p["order"] for r in earlier for p in r.proposal if Decimal(p.get("shipping", "0")) > 0}


def _propose(request: ReturnRequest, lines: list[ReturnLine], actor: Actor) -> None:
    ordered = [line for line in lines if line.order is not None]
    if not ordered:
        return  # goods without an order: nothing to refund, the back office closes it
    orders = {line.order.number: line.order for line in ordered}
    order_lines = {(line.order.number, ol.position): ol for line in ordered
                   for ol in [line.order.lines.get(position=line.order_line_position)]}
    facts = [LineFacts(order_number=line.order.number, units=line.quantity,
                       ordered_units=order_lines[line.order.number, line.order_line_position].quantity,
                       ordered_gross=order_lines[line.order.number, line.order_line_position].gross,
                       condition=line.condition, loss_of_value=line.loss_of_value) for line in ordered]
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


@operation
def return_refunded(*, request: ReturnRequest, credit_notes: list[str], refunds: list[str],
                    actor: Actor) -> ReturnRequest:
    """The proposal was paid out (flows.return_refund): the credit notes and refunds are noted,
    and the withdrawals of its orders count as settled (their 14-day deadline is met)."""
    request = return_lock(request=request)
    request.credit_notes, request.refunds = credit_notes, refunds
    _move(request, ReturnStatus.REFUNDED, actor, {"credit_notes": credit_notes, "refunds": refunds})
    request.save(update_fields=["credit_notes", "refunds"])
    Withdrawal.objects.filter(order__number__in=return_order_numbers(request=request), settled_at__isnull=True).update(
        settled_at=clock.now())
    return request
