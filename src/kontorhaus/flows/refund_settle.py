"""Refund settled: the money is on its way (the provider confirmed, the bank file went out, it
was paid by hand), so a negative payment is booked for it and the order's payment state is
derived anew — or the provider refused and the refund ends as failed, with the reason shown."""

import datetime as dt
from dataclasses import dataclass

from kontorhaus.billing.models_refunds import Refund, SepaExport
from kontorhaus.billing.refunds.iban import iban_is_valid, iban_normalize
from kontorhaus.billing.refunds.services import (
    refund_attempt_record,
    refund_booking_link,
    refund_transition,
    sepa_export_create,
)
from kontorhaus.billing.refunds.states import RefundMethod, RefundStatus
from kontorhaus.billing.sepa import Debtor
from kontorhaus.billing.services import PaymentData, seller_snapshot
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.transactions import flow
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_get

from .payment_received import payment_received

SUCCEEDED, PENDING, FAILED = "succeeded", "pending", "failed"


@dataclass(frozen=True)
class ProviderAnswer:
    """What the provider said about our refund request."""

    status: str  # succeeded | pending | failed
    reference: str = ""  # the provider's refund id
    error: str = ""


@flow
def refund_book(*, order: SalesOrder, refund: Refund, actor: Actor, done: bool) -> Refund:
    """Book the negative payment for the refund (once) and, with `done`, close it."""
    if done:
        refund = refund_transition(refund=refund, to=RefundStatus.DONE, actor=actor)
    if refund.booked_payment_id is not None:
        return refund
    note = refund.credit_note
    data = PaymentData(order_number=refund.order_number, amount=-refund.amount, currency=refund.currency,
                       method=refund.payment.method, source=refund.payment.source,
                       reference=f"Erstattung {note.number}" if note else "Erstattung Überzahlung",
                       external_id=f"refund:{refund.reference}")
    payment = payment_received(order=order, data=data, actor=actor)
    return refund_booking_link(refund=refund, payment=payment)


@flow
def refund_provider_answered(*, refund: Refund, answer: ProviderAnswer, actor: Actor) -> Refund:
    """Record the provider's answer; a repeated answer changes nothing."""
    if answer.status == SUCCEEDED:
        refund = refund_transition(refund=refund, to=RefundStatus.DONE, actor=actor,
                                   provider_reference=answer.reference)
        return refund_book(order=order_get(number=refund.order_number), refund=refund, actor=actor, done=True)
    if answer.status == PENDING:
        return refund_transition(refund=refund, to=RefundStatus.SENT, actor=actor, provider_reference=answer.reference)
    return refund_transition(refund=refund, to=RefundStatus.FAILED, actor=actor, provider_reference=answer.reference,
                             error=answer.error or "refused by the payment provider")


@flow
def refund_provider_unreachable(*, refund: Refund, error: str, max_attempts: int, actor: Actor) -> bool:
    """Count a failed attempt; True when it should be tried again, else the refund has failed."""
    refund = refund_attempt_record(refund=refund, error=error)
    if refund.status != RefundStatus.REQUESTED:
        return False
    if refund.attempts >= max_attempts:
        refund_transition(refund=refund, to=RefundStatus.FAILED, actor=actor,
                          error=f"gave up after {refund.attempts} attempts: {error}")
        return False
    return True


@flow
def refund_sepa_export(*, actor: Actor, execution_date: dt.date | None = None) -> SepaExport | None:
    """Collect the requested bank refunds into one pain.001 file for the company's bank; they
    are sent with it and booked. None when there is nothing to export."""
    seller = seller_snapshot()
    if not iban_is_valid(seller.get("iban") or ""):
        raise InvalidInput("the company profile has no valid IBAN to pay refunds from", code="company_iban_missing",
                           details={"field": "iban"})
    debtor = Debtor(name=seller.get("name") or "", iban=iban_normalize(seller["iban"]),
                    bic=(seller.get("bic") or "").replace(" ", "").upper())
    export = sepa_export_create(debtor=debtor, execution_date=execution_date or clock.today(), actor=actor)
    if export is None:
        return None
    for refund in export.refunds.select_related("payment", "credit_note").order_by("pk"):
        refund_book(order=order_get(number=refund.order_number), refund=refund, actor=actor, done=False)
    return export


@flow
def refund_confirm(*, refund: Refund, actor: Actor) -> Refund:
    """A person confirms that a sent bank or provider refund has arrived (done)."""
    if refund.method == RefundMethod.PSP and refund.status == RefundStatus.REQUESTED:
        raise InvalidTransition("the payment provider has not answered yet")
    refund = refund_transition(refund=refund, to=RefundStatus.DONE, actor=actor)
    return refund_book(order=order_get(number=refund.order_number), refund=refund, actor=actor, done=False)
