"""Return refund: the back office approves the refund proposal of an inspected return.

One transaction per approval, with the return row locked first: per order of the proposal, the
amount goes back against the order's payments (flows.refund: a partial credit note on the
invoice and a refund the way the money came in), and what no payment covers (an invoice on
account not yet paid) is credited by a credit note alone. The return then counts as refunded
and the withdrawals of its orders as settled. A second approval — a double click, two clerks
at once — finds the return refunded and does nothing: the credit note and the refund are issued
once.
"""

from decimal import Decimal

from kontorhaus.billing.refunds.selectors import refunds_overview_for_order
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_partial
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.money import ZERO
from kontorhaus.core.transactions import flow
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.services_inspection import return_lock, return_refunded
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_get

from .order_balance import order_balance_refresh
from .refund import refund_request


def _pay_back(order: SalesOrder, amount: Decimal, reason: str, actor: Actor) -> tuple[list[str], list[str]]:
    notes, refunds, left = [], [], amount
    _, payments = refunds_overview_for_order(order_number=order.number)
    for payment, refundable in payments:
        if left <= 0:
            break
        part = min(refundable, left)
        refund = refund_request(order=order, payment=payment, amount=part, reason=reason, with_credit_note=True,
                                actor=actor)
        refunds.append(refund.reference)
        if refund.credit_note is not None:
            notes.append(refund.credit_note.number)
        left -= part
    if left > 0:  # nothing paid (yet) for this part: the invoice is credited, nobody is paid out
        invoice = invoice_for_order(order_number=order.number)
        if invoice is None:
            raise InvalidInput(f"order {order.number} has neither a payment nor an invoice to refund {left} against",
                               code="nothing_to_refund", details={"order": order.number})
        notes.append(credit_note_issue_partial(invoice=invoice, amount_gross=left, reason=reason, actor=actor).number)
        order_balance_refresh(order=order, actor=actor)
    return notes, refunds


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
        amount = Decimal(part["total"])
        if amount > ZERO:
            n, r = _pay_back(order_get(number=part["order"]), amount, f"Retoure {request.number}", actor)
            notes += n
            refunds += r
    return return_refunded(request=request, credit_notes=notes, refunds=refunds, actor=actor)
