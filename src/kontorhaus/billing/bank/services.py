"""Writes of bank statements and their lines (the only module that writes these tables).

Booking a payment changes the order too, so the flows `bank_statement_import` and
`bank_transaction_assign` book through `payment_received` and hand the result here."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, event, record, record_many
from kontorhaus.core.exceptions import DomainError, InvalidInput
from kontorhaus.core.transactions import operation

from ..models import Invoice, Payment
from ..models_bank import BankStatement, BankTransaction, BankTransactionPayment, BankTransactionStatus
from ..selectors import order_balance
from ..services import PaymentData
from ..states import InvoiceStatus, PaymentSource
from .matching import Match, allocate
from .selectors import bank_transaction_lock
from .types import ParsedStatement, ParsedTransaction

EXTERNAL_ID_MAX = 128


@dataclass(frozen=True)
class Booking:
    payment: Payment
    invoice_number: str
    order_number: str


@dataclass(frozen=True)
class BankLine:
    """One new line of an import with what matching decided and what was booked for it."""

    parsed: ParsedTransaction
    match: Match
    bookings: tuple[Booking, ...] = ()


def bank_payment_external_id(*, account_iban: str, entry_key: str, invoice_number: str) -> str:
    """The payment's idempotency key: one line books one payment per invoice, however often it
    is imported or assigned, and at whatever moment."""
    external_id = f"bank:{account_iban}:{entry_key}:{invoice_number}"
    if len(external_id) > EXTERNAL_ID_MAX:
        digest = hashlib.sha256(entry_key.encode()).hexdigest()[:32]
        external_id = f"bank:{account_iban}:{digest}:{invoice_number}"
    return external_id


def bank_payment_data(*, account_iban: str, parsed: ParsedTransaction, invoice_number: str, order_number: str,
                      method: str, amount: Decimal) -> PaymentData:
    received = timezone.make_aware(dt.datetime.combine(parsed.booking_date, dt.time(12)))
    return PaymentData(
        order_number=order_number, amount=amount, currency=parsed.currency, method=method,
        source=PaymentSource.BANK, reference=parsed.remittance[:140], received_at=received,
        external_id=bank_payment_external_id(account_iban=account_iban, entry_key=parsed.entry_key,
                                             invoice_number=invoice_number),
    )


@operation
def bank_statement_store(*, parsed: ParsedStatement, file_sha256: str, lines: list[BankLine], duplicates: int,
                         actor: Actor) -> BankStatement:
    """Store a statement with its new lines, their bookings and one audit event per booked line."""
    counts = {status: sum(1 for line in lines if line.match.status == status) for status in BankTransactionStatus}
    statement = BankStatement.objects.create(
        statement_id=parsed.statement_id[:140], account_iban=parsed.account_iban, format=parsed.format,
        currency=parsed.currency, file_sha256=file_sha256, actor=str(actor), lines_total=len(lines) + duplicates,
        lines_booked=counts[BankTransactionStatus.BOOKED], lines_review=counts[BankTransactionStatus.REVIEW],
        lines_ignored=counts[BankTransactionStatus.IGNORED], lines_duplicate=duplicates,
    )
    rows = BankTransaction.objects.bulk_create([_row(statement, line) for line in lines])
    BankTransactionPayment.objects.bulk_create([
        BankTransactionPayment(transaction=row, payment=b.payment, invoice_number=b.invoice_number)
        for row, line in zip(rows, lines, strict=True) for b in line.bookings
    ])
    record_many([
        event(action=AuditAction.BILLING_BANK_TRANSACTION_BOOKED, obj=row, actor=actor, order_number=b.order_number,
              data={"invoice": b.invoice_number, "amount": str(b.payment.amount),
                    "confidence": str(row.match_confidence),
                    "statement": statement.statement_id})
        for row, line in zip(rows, lines, strict=True) for b in line.bookings
    ])
    record(action=AuditAction.BILLING_BANK_STATEMENT_IMPORTED, obj=statement, actor=actor,
           data={"lines": statement.lines_total, "booked": statement.lines_booked, "review": statement.lines_review,
                 "ignored": statement.lines_ignored, "duplicates": duplicates, "sha256": file_sha256})
    return statement


def _row(statement: BankStatement, line: BankLine) -> BankTransaction:
    tx, match = line.parsed, line.match
    return BankTransaction(
        statement=statement, account_iban=statement.account_iban, entry_key=tx.entry_key[:140],
        booking_date=tx.booking_date, value_date=tx.value_date, amount=tx.amount, currency=tx.currency,
        credit=tx.credit, counterparty_name=tx.counterparty_name[:140], counterparty_iban=tx.counterparty_iban[:34],
        remittance=tx.remittance, end_to_end_id=tx.end_to_end_id[:140], status=match.status,
        match_confidence=match.confidence, suggestions=[s.as_dict() for s in match.suggestions],
        reason=match.reason[:300], decided_by="" if match.status == BankTransactionStatus.REVIEW else "matching",
    )


def bank_assignment_plan(*, transaction: BankTransaction, invoices: list[Invoice]) -> list[tuple[Invoice, Decimal]]:
    """What booking a reviewed line to these invoices would book: each its due, the last the
    rest. Refused for lines that are not waiting for review, outgoing payments, other
    currencies, cancelled invoices and invoices the amount does not reach."""
    if transaction.status != BankTransactionStatus.REVIEW:
        raise DomainError(f"this line is {transaction.status}, not waiting for review", code="bank_line_decided")
    if not transaction.credit:
        raise InvalidInput("an outgoing payment cannot pay an invoice", details={"field": "invoice"})
    if not invoices:
        raise InvalidInput("choose at least one invoice", details={"field": "invoice"})
    for invoice in invoices:
        if invoice.status != InvoiceStatus.ISSUED:
            raise InvalidInput(f"invoice {invoice.number} is cancelled", details={"field": "invoice"})
        if invoice.currency != transaction.currency:
            raise InvalidInput(f"the line is in {transaction.currency}, invoice {invoice.number} in {invoice.currency}",
                               details={"field": "invoice"})
    dues = [(i.number, order_balance(order_number=i.order_number, order_total=i.total_gross).due) for i in invoices]
    shares = dict(allocate(transaction.amount, dues))
    if len(shares) != len(invoices):
        raise InvalidInput("the amount does not reach every chosen invoice", details={"field": "invoice"})
    return [(i, shares[i.number]) for i in invoices]


@operation
def bank_transaction_mark_booked(*, transaction: BankTransaction, bookings: list[Booking],
                                 actor: Actor) -> BankTransaction:
    """A reviewed line booked by hand: link its payments and record who decided."""
    transaction = bank_transaction_lock(transaction=transaction)
    if transaction.status != BankTransactionStatus.REVIEW:
        raise DomainError(f"this line is {transaction.status}, not waiting for review", code="bank_line_decided")
    BankTransactionPayment.objects.bulk_create([
        BankTransactionPayment(transaction=transaction, payment=b.payment, invoice_number=b.invoice_number)
        for b in bookings
    ])
    transaction.status, transaction.decided_at, transaction.decided_by = BankTransactionStatus.BOOKED, clock.now(), \
        str(actor)
    transaction.reason = f"booked by hand to {', '.join(b.invoice_number for b in bookings)}"
    transaction.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    for b in bookings:
        record(action=AuditAction.BILLING_BANK_TRANSACTION_ASSIGNED, obj=transaction, actor=actor,
               order_number=b.order_number, data={"invoice": b.invoice_number, "amount": str(b.payment.amount)})
    return transaction


@operation
def bank_transaction_ignore(*, transaction: BankTransaction, reason: str, actor: Actor) -> BankTransaction:
    """Put a reviewed line aside (not ours, a refund to us, a private transfer...)."""
    transaction = bank_transaction_lock(transaction=transaction)
    if transaction.status != BankTransactionStatus.REVIEW:
        raise DomainError(f"this line is {transaction.status}, not waiting for review", code="bank_line_decided")
    transaction.status, transaction.decided_at, transaction.decided_by = BankTransactionStatus.IGNORED, clock.now(), \
        str(actor)
    transaction.reason = (reason.strip() or "ignored by hand")[:300]
    transaction.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    record(action=AuditAction.BILLING_BANK_TRANSACTION_IGNORED, obj=transaction, actor=actor,
           data={"reason": transaction.reason})
    return transaction

