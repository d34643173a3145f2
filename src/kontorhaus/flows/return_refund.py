"""Return refund: the back office approves the refund proposal of an inspected return.

One transaction per approval, with the return row locked first: per order of the proposal, one
credit note credits the invoice lines that came back, each at its own VAT rate (a 7 % book at
7 %, the outbound shipping at the shipping line's rate), and the amount goes back against the
order's payments (flows.refund: a refund the way the money came in, recorded against that
note); what no payment covers (an invoice on account not yet paid) is credited by the note alone.
The return then counts as refunded and the withdrawal it was registered for as settled. A second
approval — a double click, two clerks at once — finds the return refunded and does nothing: the
credit note and the refund are issued once.
"""

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from kontorhaus.billing.refunds.selectors import refunds_overview_for_order
from kontorhaus.billing.refunds.services_credit_notes import CreditLine, credit_note_issue_for_lines
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.money import ZERO
from kontorhaus.core.transactions import flow
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.services_inspection import return_lock, return_refunded
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.sales.models import LineKind, SalesOrder
from kontorhaus.sales.selectors import order_get

from .order_balance import order_balance_refresh
from .refund import refund_request


def _reduce(lines: list[CreditLine], by: Decimal) -> list[CreditLine]:
    """Take `by` off the lines, the largest first (the return label's fee, a loss of value the
    lines' own shares could not carry): each line stays at its own rate, none below zero."""
    result = []
    for line in sorted(lines, key=lambda c: (-c.amount_gross, c.invoice_line)):
        cut = min(by, line.amount_gross)
        by -= cut
        result.append(replace(line, amount_gross=line.amount_gross - cut))
    if by > 0:
        raise InvalidInput(f"the proposal is more than the lines returned: {by} left over", code="proposal_mismatch")
    return sorted((line for line in result if line.amount_gross > 0), key=lambda c: c.invoice_line)


def _credit_lines(request: ReturnRequest, order: SalesOrder, part: dict) -> list[CreditLine]:
    """The invoice lines this return credits for `order`: each returned order line's goods less
    its loss of value (the same line, the same rate), the outbound shipping on its shipping
    line(s); the return label's fee comes off, so they add up to the proposal's total."""
    amounts: dict[int, Decimal] = defaultdict(lambda: ZERO)
    names: dict[int, str] = {}
    for line in request.lines.filter(order=order, refund_goods__gt=0).order_by("position"):
        amounts[line.order_line_position] += max(line.refund_goods - line.loss_of_value, ZERO)
        names[line.order_line_position] = f"Retoure {request.number}: {line.quantity} x {line.name}"
    shipping_left = Decimal(part["shipping"])
    for position, gross in order.lines.filter(kind=LineKind.SHIPPING).order_by("position").values_list(
            "position", "gross"):
        if shipping_left <= 0:
            break
        amounts[position] += min(gross, shipping_left)
        names.setdefault(position, f"Retoure {request.number}: Versandkosten")
        shipping_left -= min(gross, shipping_left)
    lines = [CreditLine(invoice_line=p, amount_gross=a, description=names[p]) for p, a in sorted(amounts.items())
             if a > 0]
    return _reduce(lines, sum((c.amount_gross for c in lines), ZERO) - Decimal(part["total"]))


def _pay_back(request: ReturnRequest, order: SalesOrder, part: dict, actor: Actor) -> tuple[list[str], list[str]]:
    """One credit note of the returned lines (each at its own VAT rate), and the money back
    against the order's payments, each refund recorded against that note; what no payment
    covers (purchase on account, not paid yet) is credited by the note alone."""
    invoice = invoice_for_order(order_number=order.number)
    amount, reason = Decimal(part["total"]), f"Retoure {request.number}"
    if invoice is None:
        raise InvalidInput(f"order {order.number} has no invoice to refund {amount} against",
                           code="nothing_to_refund", details={"order": order.number})
    note = credit_note_issue_for_lines(invoice=invoice, lines=_credit_lines(request, order, part), reason=reason,
                                       actor=actor)
    order_balance_refresh(order=order, actor=actor)
    refunds, left = [], amount
    _, payments = refunds_overview_for_order(order_number=order.number)
    for payment, refundable in payments:
        if left <= 0:
            break
        part_amount = min(refundable, left)
        refund = refund_request(order=order, payment=payment, amount=part_amount, reason=reason,
                                with_credit_note=True, credit_note=note, actor=actor)
        refunds.append(refund.reference)
        left -= part_amount
    return [note.number], refunds


@flow
def return_refund_approve(*, request: ReturnRequest, actor: Actor) -> ReturnRequest:
    request = return_lock(request=request)
    if request.status == ReturnStatus.REFUNDED:
        return request  # approved already (a double click, a concurrent approval): nothing again
    if request.status != ReturnStatus.REFUND_PROPOSED:
        raise InvalidTransition(f"return {request.number} is {request.status}; only a proposed refund is approved",
                                code="not_proposed", details={"status": request.status})
    notes, refunds = [], []
    for part in request.proposal:
        if Decimal(part["total"]) > ZERO:
            n, r = _pay_back(request, order_get(number=part["order"]), part, actor)
            notes += n
            refunds += r
    return return_refunded(request=request, credit_notes=notes, refunds=refunds, actor=actor)
