"""Refund records: created, moved through their states, tied to the payment booked for them,
and bank refunds collected into SEPA files. Every public service runs in one transaction."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.money import exponent, has_at_most_places
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation

from .. import sepa
from ..models import CreditNote, Payment
from ..models_refunds import Refund, SepaExport
from .iban import iban_clean
from .selectors import refunded_against_credit_note, refunded_for_payment
from .states import REFUND_TRANSITIONS, RefundMethod, RefundStatus

_ACTIONS = {
    RefundStatus.SENT: AuditAction.BILLING_REFUND_SENT,
    RefundStatus.DONE: AuditAction.BILLING_REFUND_DONE,
    RefundStatus.FAILED: AuditAction.BILLING_REFUND_FAILED,
}


@dataclass(frozen=True)
class RefundDraft:
    payment: Payment
    amount: Decimal
    method: str  # RefundMethod
    reason: str = ""
    credit_note: CreditNote | None = None
    iban: str = ""  # bank refunds: where the money goes
    account_name: str = ""


def refund_check_amount(*, payment: Payment, amount: Decimal) -> None:
    """Refuse an amount that is not positive cents or more than is left of the payment."""
    if amount <= 0 or not has_at_most_places(amount, exponent(payment.currency)):
        raise InvalidInput(f"not an amount to refund: {amount}", details={"field": "amount"})
    if payment.amount <= 0:
        raise InvalidInput("a refund cannot be refunded", details={"field": "payment"})
    left = payment.amount - refunded_for_payment(payment=payment)
    if amount > left:
        raise InvalidInput(f"only {left} {payment.currency} of this payment can still be refunded",
                           code="refund_exceeds_payment", details={"field": "amount", "refundable": str(left)})


def _check_credit_note(draft: RefundDraft) -> None:
    note = draft.credit_note
    if note is not None and draft.amount > note.total_gross - refunded_against_credit_note(credit_note=note):
        raise InvalidInput(f"credit note {note.number} does not cover {draft.amount} {note.currency} more",
                           code="refund_exceeds_credit_note", details={"field": "amount"})


@operation
def refund_create(*, order_number: str, draft: RefundDraft, actor: Actor) -> Refund:
    """Record a refund of (part of) a payment. The payment row is locked, so two refunds of the
    same payment at once cannot together exceed it."""
    payment = Payment.objects.select_for_update().get(pk=draft.payment.pk)
    if payment.order_number != order_number:
        raise InvalidInput("the payment belongs to another order", details={"field": "payment"})
    refund_check_amount(payment=payment, amount=draft.amount)
    _check_credit_note(draft)
    iban, name = "", ""
    if draft.method == RefundMethod.BANK:
        iban = iban_clean(draft.iban)
        name = sepa.sepa_text(draft.account_name, 70)
        if not name:
            raise InvalidInput("a bank refund needs the account holder's name", details={"field": "account_name"})
    refund = Refund.objects.create(
        order_number=order_number, payment=payment, credit_note=draft.credit_note, amount=draft.amount,
        currency=payment.currency, method=draft.method, reason=draft.reason[:200], iban=iban, account_name=name,
        actor=str(actor),
    )
    record(action=AuditAction.BILLING_REFUND_REQUESTED, obj=refund, actor=actor, order_number=order_number,
           data={"refund": refund.reference, "amount": str(refund.amount), "method": refund.method,
                 "credit_note": draft.credit_note.number if draft.credit_note else None})
    return refund


def _lock(refund: Refund) -> Refund:
    return Refund.objects.select_for_update(of=("self",)).select_related("payment", "credit_note").get(pk=refund.pk)


@operation
def refund_transition(*, refund: Refund, to: str, actor: Actor, provider_reference: str = "",
                      error: str = "") -> Refund:
    """Move the refund on (sent, done, failed); already there is a no-op."""
    refund = _lock(refund)
    if refund.status == to:
        return refund
    fields = transition(refund, to=to, table=REFUND_TRANSITIONS, action=_ACTIONS[to], actor=actor,
                        order_number=refund.order_number,
                        data={"refund": refund.reference, "provider_reference": provider_reference, "error": error})
    if provider_reference:
        refund.provider_reference = provider_reference[:128]
        fields.append("provider_reference")
    if error:
        refund.last_error = error[:500]
        fields.append("last_error")
    refund.save(update_fields=fields)
    return refund


@operation
def refund_attempt_record(*, refund: Refund, error: str) -> Refund:
    """Count a provider call that did not get through (the caller decides on retry or failure)."""
    refund = _lock(refund)
    refund.attempts += 1
    refund.last_error = error[:500]
    refund.save(update_fields=["attempts", "last_error"])
    return refund


@operation
def refund_booking_link(*, refund: Refund, payment: Payment) -> Refund:
    refund = _lock(refund)
    if refund.booked_payment_id is None:
        refund.booked_payment = payment
        refund.save(update_fields=["booked_payment"])
    return refund


def _remittance(refund: Refund) -> str:
    parts = ["Erstattung"]
    if refund.credit_note is not None:
        parts += [refund.credit_note.invoice.number, refund.credit_note.number]
    parts.append(refund.order_number)
    return " ".join(parts)


@operation
def sepa_export_create(*, debtor: sepa.Debtor, execution_date: dt.date, actor: Actor) -> SepaExport | None:
    """Put every requested bank refund that is in no file yet into one pain.001 file, and mark
    them sent with that file, all in one transaction. None when there is nothing to export."""
    refunds = list(Refund.objects.select_for_update(of=("self",)).filter(
        method=RefundMethod.BANK, status=RefundStatus.REQUESTED, exported_in__isnull=True,
    ).select_related("credit_note__invoice").order_by("pk"))
    if not refunds:
        return None
    now = clock.now()
    message_id = f"KH-{now:%Y%m%d%H%M%S}-{refunds[0].pk}"
    transfers = tuple(sepa.Transfer(end_to_end_id=r.reference, amount=r.amount, currency=r.currency,
                                    creditor_name=r.account_name, creditor_iban=r.iban, remittance=_remittance(r))
                      for r in refunds)
    doc = sepa.CreditTransferFile(message_id=message_id, created_at=now, execution_date=execution_date,
                                  debtor=debtor, transfers=transfers)
    xml = sepa.pain001(doc)
    export = SepaExport.objects.create(message_id=message_id, created_at=now, execution_date=execution_date,
                                       transactions=len(refunds), control_sum=doc.control_sum, xml=xml,
                                       sha256=hashlib.sha256(xml).hexdigest(), actor=str(actor))
    Refund.objects.filter(pk__in=[r.pk for r in refunds]).update(exported_in=export)
    for refund in refunds:
        refund_transition(refund=refund, to=RefundStatus.SENT, actor=actor, provider_reference=message_id)
    record(action=AuditAction.BILLING_SEPA_EXPORT_CREATED, obj=export, actor=actor,
           data={"message_id": message_id, "transactions": len(refunds), "control_sum": str(doc.control_sum)})
    return export
