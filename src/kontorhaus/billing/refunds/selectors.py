import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from kontorhaus.core.exceptions import NotFound
from kontorhaus.core.money import ZERO

from ..models import CreditNote, Payment
from ..models_bank import BankTransaction
from ..models_refunds import Refund, SepaExport
from .states import OPEN_OR_DONE, CreditNoteKind, RefundMethod, RefundStatus


def refund_get(*, reference: str) -> Refund:
    try:
        return Refund.objects.select_related("payment", "credit_note").get(public_id=reference)
    except (Refund.DoesNotExist, ValueError):
        raise NotFound(f"refund {reference} not found", details={"refund": reference})


def refund_list_for_order(*, order_number: str) -> list[Refund]:
    return list(Refund.objects.filter(order_number=order_number).select_related("payment", "credit_note",
                                                                                 "exported_in"))


def refunded_for_payment(*, payment: Payment) -> Decimal:
    """What of the payment is refunded or on its way back (every refund but a failed one)."""
    return Refund.objects.filter(payment=payment, status__in=OPEN_OR_DONE).aggregate(s=Sum("amount"))["s"] or ZERO


def refunded_against_credit_note(*, credit_note: CreditNote) -> Decimal:
    return Refund.objects.filter(credit_note=credit_note, status__in=OPEN_OR_DONE).aggregate(
        s=Sum("amount"))["s"] or ZERO


def refunds_failed_with_uncovered_note(*, order_number: str) -> list[Refund]:
    """Failed refunds whose partial credit note no other refund covers: a retry of one reuses
    its credit note (flows.refund), so the invoice is never credited twice for one refund."""
    failed = Refund.objects.filter(order_number=order_number, status=RefundStatus.FAILED,
                                   credit_note__kind=CreditNoteKind.PARTIAL).select_related("credit_note")
    return [r for r in failed.order_by("id")
            if r.credit_note.total_gross - refunded_against_credit_note(credit_note=r.credit_note) >= r.amount]


def refunds_psp_stuck(*, requested_before: dt.datetime) -> list[str]:
    """References of PSP refunds still waiting for the provider call since before the moment."""
    return [r.hex for r in Refund.objects.filter(method=RefundMethod.PSP, status=RefundStatus.REQUESTED,
                                                 requested_at__lt=requested_before)
            .order_by("id").values_list("public_id", flat=True)]


def refunds_psp_pending() -> list[str]:
    """References of PSP refunds the provider accepted but has not completed (sent)."""
    return [r.hex for r in Refund.objects.filter(method=RefundMethod.PSP, status=RefundStatus.SENT)
            .exclude(provider_reference="").order_by("id").values_list("public_id", flat=True)]


def refunds_unbooked_total(*, order_number: str) -> Decimal:
    """Refunds requested but not booked as a (negative) payment yet."""
    return Refund.objects.filter(order_number=order_number, status__in=OPEN_OR_DONE,
                                 booked_payment__isnull=True).aggregate(s=Sum("amount"))["s"] or ZERO


def refunds_awaiting_export_list() -> list[Refund]:
    return list(Refund.objects.filter(method=RefundMethod.BANK, status=RefundStatus.REQUESTED,
                                      exported_in__isnull=True).select_related("credit_note", "payment")
                .order_by("id"))


def sepa_export_list(*, limit: int = 50) -> list[SepaExport]:
    return list(SepaExport.objects.defer("xml")[:limit])


def sepa_export_get(*, message_id: str) -> SepaExport:
    try:
        return SepaExport.objects.get(message_id=message_id)
    except SepaExport.DoesNotExist:
        raise NotFound(f"SEPA export {message_id} not found", details={"message_id": message_id})


def bank_counterparty_for_payment(*, payment: Payment) -> tuple[str, str]:
    """(IBAN, name) of whoever sent a payment booked from a bank statement line; ("", "") if none."""
    row = BankTransaction.objects.filter(bookings__payment=payment).values_list(
        "counterparty_iban", "counterparty_name").first()
    return row or ("", "")


def payment_for_refund(*, order_number: str, reference: str | None) -> Payment:
    """The payment of the order named by its external id (as the payments API shows it), or,
    without one, the order's only payment received."""
    received = Payment.objects.filter(order_number=order_number, amount__gt=0)
    if reference:
        found = received.filter(external_id=reference).first()
        if found is None:
            raise NotFound(f"order {order_number} has no payment {reference}", details={"field": "payment"})
        return found
    payments = list(received[:2])
    if len(payments) != 1:
        raise NotFound(f"order {order_number} has {'no' if not payments else 'several'} payments: name one",
                       details={"field": "payment"})
    return payments[0]


def refunds_overview_for_order(*, order_number: str) -> tuple[list[Refund], list[tuple[Payment, Decimal]]]:
    """The order's refunds, and its payments received with what of each can still be refunded
    (only those with something left) — in two queries."""
    refunds = refund_list_for_order(order_number=order_number)
    held: dict[int, Decimal] = {}
    for refund in refunds:
        if refund.status in OPEN_OR_DONE:
            held[refund.payment_id] = held.get(refund.payment_id, ZERO) + refund.amount
    payments = Payment.objects.filter(order_number=order_number, amount__gt=0)
    rows = [(p, p.amount - held.get(p.pk, ZERO)) for p in payments]
    return refunds, [(p, left) for p, left in rows if left > 0]
