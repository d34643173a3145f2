"""A return's way through the warehouse: received, inspected line by line, refund proposed,
refunded or closed — or cancelled before the goods are inspected. Every status change goes
through core.statemachine and lands on the timeline of each order the return touches."""

from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.money import ZERO, has_at_most_places
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.inventory.models import Location, LocationKind

from .models import ReturnLine, ReturnRequest, Withdrawal
from .states import TRANSITIONS, Condition, Disposition, ReturnStatus

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
    received_article: Article | None = None  # a wrong item: what arrived instead, when the clerk names it
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
    """The goods never came (or the customer kept them). Not once a line is inspected: its goods
    are in the ledger and counted back, and cancelling would free its units for another return
    that books them in a second time."""
    request = return_lock(request=request)
    inspected = list(request.lines.filter(inspected_at__isnull=False).values_list("position", flat=True))
    if inspected:
        raise InvalidTransition(
            f"return {request.number} cannot be cancelled: line(s) {', '.join(map(str, inspected))} are inspected "
            "already and their goods are booked; inspect the rest and close it instead",
            code="lines_inspected", details={"status": request.status, "inspected": inspected})
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
    _check_received_article(line, inspection, where)
    loss = inspection.loss_of_value
    if loss < 0 or not has_at_most_places(loss, 2) or loss > line.unit_gross * line.quantity:
        raise InvalidInput(f"{where}: the loss of value is between 0 and the line's value",
                           details={"field": f"{where}.loss_of_value"})
    if len(inspection.note) > 500:
        raise InvalidInput(f"{where}: the note is too long", details={"field": f"{where}.note"})


def _check_received_article(line: ReturnLine, inspection: LineInspection, where: str) -> None:
    """A wrong item for an order line is not the ordered article: it enters the ledger (into
    quarantine) only as the article the clerk names; flagged, it moves nothing."""
    received = inspection.received_article
    if received is not None:
        if inspection.condition != Condition.WRONG_ITEM:
            raise InvalidInput(f"{where}: the article that arrived is named for wrong items only",
                               details={"field": f"{where}.article"})
        if line.order_id is None:
            # Goods without an order are booked as the line's article: register that one instead.
            raise InvalidInput(f"{where}: goods without an order are booked as their own article; name the "
                               "article that arrived on the return line instead", details={"field": f"{where}.article"})
        if not received.is_stocked:
            raise InvalidInput(f"{where}: {received.sku} is not a stocked article",
                               details={"field": f"{where}.article"})
        if received.pk == line.article_id:
            # Then it is no wrong item; quarantined as one it would enter the ledger without
            # being counted back to its order.
            raise InvalidInput(f"{where}: {received.sku} is the ordered article, not a wrong item: inspect it as "
                               "resellable or damaged", code="received_is_ordered",
                               details={"field": f"{where}.article"})
    elif (inspection.condition == Condition.WRONG_ITEM and inspection.disposition == Disposition.QUARANTINED
          and line.order_id is not None):
        raise InvalidInput(f"{where}: name the article that arrived to put a wrong item into quarantine, or flag it",
                           code="wrong_item_needs_article", details={"field": f"{where}.article"})


@operation
def return_lines_inspect(*, request: ReturnRequest, inspections: list[LineInspection],
                         actor: Actor) -> list[ReturnLine]:
    """Record what was found; the caller moves the stock and counts the goods back to their
    orders (flows.return_received), then asks for the proposal (services_proposal.return_propose).
    The last line inspected makes the return inspected."""
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
        line.received_article = inspection.received_article
        done.append(line)
    ReturnLine.objects.bulk_update(done, ["condition", "disposition", "location", "loss_of_value", "inspection_note",
                                          "inspected_at", "received_article"])
    if all(line.inspected_at is not None for line in lines.values()):
        _move(request, ReturnStatus.INSPECTED, actor, {"lines": [
            {"position": line.position, "condition": line.condition, "disposition": line.disposition}
            for line in lines.values()]})
    return done


@operation
def return_refunded(*, request: ReturnRequest, credit_notes: list[str], refunds: list[str],
                    actor: Actor) -> ReturnRequest:
    """The proposal was paid out (flows.return_refund): the credit notes and refunds are noted,
    and the withdrawal this return was registered for counts as settled (its 14-day deadline is
    met) — not the order's other withdrawals, which wait for their own goods and refund."""
    request = return_lock(request=request)
    request.credit_notes, request.refunds = credit_notes, refunds
    _move(request, ReturnStatus.REFUNDED, actor, {"credit_notes": credit_notes, "refunds": refunds})
    request.save(update_fields=["credit_notes", "refunds"])
    if request.withdrawal_id is not None:
        Withdrawal.objects.filter(pk=request.withdrawal_id, settled_at__isnull=True).update(settled_at=clock.now())
    return request
