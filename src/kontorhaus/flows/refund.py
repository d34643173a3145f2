"""Refund: money goes back to the customer — all or part of one payment.

Invoiced money goes back against a credit note: a partial credit note is issued for the
amount, or, when the order's invoice was cancelled (an order cancelled after it was paid), the
refund is recorded against that cancellation credit note. Money that was never invoiced (an
overpayment) goes back without one. An overpayment that is not refunded is simply kept as the
customer's credit: the order stays "overpaid" until someone refunds it.

How the money leaves depends on how it came in: a PSP payment is refunded through the
provider's API (a task queued in this transaction calls it, with retries); a bank payment is
collected into the next SEPA credit transfer file (to the IBAN it came from, or one entered);
anything else is recorded as paid out by hand. When the money is on its way, a negative payment
is booked (flows.refund_settle), and the order's payment state follows from it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.billing.models import CreditNote, Invoice, Payment
from kontorhaus.billing.models_refunds import Refund
from kontorhaus.billing.refunds.selectors import (
    bank_counterparty_for_payment,
    refunds_failed_with_uncovered_note,
    refunds_unbooked_total,
)
from kontorhaus.billing.refunds.services import RefundDraft, refund_check_amount, refund_create
from kontorhaus.billing.refunds.states import CreditNoteKind, RefundMethod, RefundStatus
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_partial
from kontorhaus.billing.states import InvoiceStatus, PaymentSource
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, InvalidInput
from kontorhaus.core.money import ZERO
from kontorhaus.core.transactions import flow
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_get, order_lock

from .order_balance import order_balance_get, order_balance_refresh
from .refund_settle import refund_book

_psp_dispatchers: list[Callable[[Refund], None]] = []


def refund_psp_dispatcher_register(dispatch: Callable[[Refund], None]) -> None:
    """The integrations app registers how a PSP refund is sent (it queues its task); flows do
    not import the edges."""
    _psp_dispatchers[:] = [dispatch]


@dataclass(frozen=True)
class BankAccount:
    iban: str
    name: str


def order_overpaid_amount(*, order: SalesOrder) -> Decimal:
    """Money received beyond what is owed (the balance's negative due), less refunds already
    requested: the customer's credit."""
    credit = -order_balance_get(order=order).due
    return max(credit - refunds_unbooked_total(order_number=order.number), ZERO)


def _cancellation_note(invoice: Invoice | None) -> CreditNote | None:
    if invoice is None or invoice.status != InvoiceStatus.CANCELLED:
        return None
    return invoice.credit_notes.filter(kind=CreditNoteKind.CANCELLATION).order_by("id").first()


def _retried(order: SalesOrder, retry_of: Refund) -> CreditNote | None:
    """The credit note a retry reuses: the failed refund's (none for an overpayment refund)."""
    if retry_of.order_number != order.number or retry_of.status != RefundStatus.FAILED:
        raise InvalidInput(f"refund {retry_of.reference} is not a failed refund of order {order.number}",
                           code="not_retryable", details={"field": "retry_of"})
    return retry_of.credit_note


def _credit_note_for(*, order: SalesOrder, amount: Decimal, reason: str, with_credit_note: bool,
                     actor: Actor) -> CreditNote | None:
    invoice = invoice_for_order(order_number=order.number)
    cancellation = _cancellation_note(invoice)
    if cancellation is not None:
        return cancellation
    if with_credit_note:
        if invoice is None:
            raise InvalidInput(f"order {order.number} has no invoice to credit; refund without a credit note",
                               code="no_invoice", details={"field": "with_credit_note"})
        failed = refunds_failed_with_uncovered_note(order_number=order.number)
        if failed:  # a second credit note would credit the invoice twice for the same money
            raise InvalidInput(f"refund {failed[0].reference} failed; retry it (it reuses credit note "
                               f"{failed[0].credit_note.number}) instead of crediting the invoice again",
                               code="retry_failed_refund", details={"refund": failed[0].reference})
        note = credit_note_issue_partial(invoice=invoice, amount_gross=amount, reason=reason or "Erstattung",
                                         actor=actor)
        order_balance_refresh(order=order, actor=actor)  # it owes less now: the order follows at once
        return note
    overpaid = order_overpaid_amount(order=order)
    if amount > overpaid:
        raise InvalidInput(f"only {overpaid} {order.currency} is overpaid; refunding invoiced money needs "
                           "a credit note", code="refund_needs_credit_note", details={"field": "with_credit_note"})
    return None


def _method(payment: Payment, bank_account: BankAccount | None) -> str:
    if payment.source == PaymentSource.PSP:
        return RefundMethod.PSP
    if bank_account is not None or payment.source == PaymentSource.BANK:
        return RefundMethod.BANK
    return RefundMethod.MANUAL


def _account(payment: Payment, bank_account: BankAccount | None) -> BankAccount:
    if bank_account is not None and bank_account.iban.strip():
        return bank_account
    iban, name = bank_counterparty_for_payment(payment=payment)
    return BankAccount(iban=iban, name=(bank_account.name if bank_account and bank_account.name else name))


@flow
def refund_request(  # noqa: PLR0913 - keyword-only; the bank account and the retried refund are optional
    *, order: SalesOrder, payment: Payment, amount: Decimal, reason: str, with_credit_note: bool, actor: Actor,
    bank_account: BankAccount | None = None, retry_of: Refund | None = None, credit_note: CreditNote | None = None,
) -> Refund:
    """Refund `amount` of `payment`. With `retry_of` (a failed refund of the order) the new
    refund is recorded against that refund's credit note and none is issued; with `credit_note`
    (issued by the caller, e.g. a return's note of the lines that came back) against that one."""
    order = order_lock(order=order)
    if payment.order_number != order.number:
        raise InvalidInput("the payment belongs to another order", details={"field": "payment"})
    refund_check_amount(payment=payment, amount=amount)
    method = _method(payment, bank_account)
    account = _account(payment, bank_account) if method == RefundMethod.BANK else BankAccount("", "")
    if method == RefundMethod.PSP and not _psp_dispatchers:
        raise DomainError("refunds through the payment provider are not set up", code="psp_refunds_unavailable")
    if retry_of is not None:
        note = _retried(order, retry_of)
    elif credit_note is not None:
        if credit_note.order_number != order.number:
            raise InvalidInput(f"credit note {credit_note.number} is not of order {order.number}",
                               details={"field": "credit_note"})
        note = credit_note
    else:
        note = _credit_note_for(order=order, amount=amount, reason=reason, with_credit_note=with_credit_note,
                                actor=actor)
    draft = RefundDraft(payment=payment, amount=amount, method=method, reason=reason, credit_note=note,
                        iban=account.iban, account_name=account.name)
    refund = refund_create(order_number=order.number, draft=draft, actor=actor)
    if method == RefundMethod.PSP:
        _psp_dispatchers[0](refund)  # queues the provider call in this transaction
    elif method == RefundMethod.MANUAL:
        refund = refund_book(order=order, refund=refund, actor=actor, done=True)
    return refund


@flow
def refund_overpayment(*, order: SalesOrder, payment: Payment, actor: Actor, reason: str = "Überzahlung",
                       bank_account: BankAccount | None = None) -> Refund:
    """Refund what was paid beyond what is owed, from `payment`, without a credit note."""
    order = order_lock(order=order)
    amount = min(order_overpaid_amount(order=order), payment.amount)
    if amount <= 0:
        raise InvalidInput(f"order {order.number} is not overpaid", code="not_overpaid")
    return refund_request(order=order, payment=payment, amount=amount, reason=reason, with_credit_note=False,
                          actor=actor, bank_account=bank_account)


@flow
def refund_retry(*, refund: Refund, actor: Actor) -> Refund:
    """Try a failed refund again: a new refund of the same payment and amount, against the same
    credit note (no second one is issued), sent the same way."""
    order = order_get(number=refund.order_number)
    account = BankAccount(iban=refund.iban, name=refund.account_name) if refund.iban else None
    return refund_request(order=order, payment=refund.payment, amount=refund.amount, reason=refund.reason,
                          with_credit_note=refund.credit_note is not None, actor=actor, bank_account=account,
                          retry_of=refund)
