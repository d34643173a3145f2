"""Bank statement import: the lines of a statement are matched to open invoices; confident
matches are booked as payments (and each order's payment state follows), the rest wait for
review with suggestions, outgoing payments are set aside. One transaction for the whole file.

Importing a statement again books nothing: lines already known (by account and entry key)
are reported as duplicates and not stored twice, and each payment carries the idempotency key
`bank:<iban>:<entry key>:<invoice>`. Two imports of the same file at once: on SQLite the write
lock runs them one after the other; on PostgreSQL the loser waits on the unique constraints,
fails when the winner commits, and is run once more, when its lines are duplicates.

No e-mail goes to the customer from here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from kontorhaus.billing.bank.matching import Match, Matcher, OpenInvoice
from kontorhaus.billing.bank.selectors import (
    bank_entry_keys_known,
    bank_statement_find,
    invoice_numbers_known,
    open_invoice_list,
    referenced_numbers,
)
from kontorhaus.billing.bank.services import (
    BankLine,
    Booking,
    bank_assignment_plan,
    bank_payment_data,
    bank_statement_store,
    bank_transaction_mark_booked,
)
from kontorhaus.billing.bank.types import ParsedStatement, ParsedTransaction
from kontorhaus.billing.models import BankTransaction, Invoice
from kontorhaus.billing.selectors import invoice_get, payment_list_for_order
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.transactions import flow
from kontorhaus.flows.order_balance import order_balance_get
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.sales.selectors import order_get, order_lock

DUPLICATE = "duplicate"


@dataclass(frozen=True)
class LineResult:
    entry_key: str
    amount: Decimal
    currency: str
    credit: bool
    counterparty_name: str
    status: str  # booked, review, ignored, duplicate
    confidence: Decimal
    reason: str
    invoices: tuple[str, ...] = ()  # booked to these


@dataclass(frozen=True)
class StatementResult:
    statement_id: str
    account_iban: str
    format: str
    lines: tuple[LineResult, ...]

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


@dataclass(frozen=True)
class ImportResult:
    statements: tuple[StatementResult, ...]
    dry_run: bool = False


def match_threshold() -> Decimal:
    return Decimal(str(settings.KONTORHAUS.get("BANK_MATCH_THRESHOLD", "0.8")))


def bank_statement_import(*, statements: list[ParsedStatement], file_sha256: str, actor: Actor,
                          dry_run: bool = False) -> ImportResult:
    """Import parsed statements; with `dry_run` everything is matched and booked as it would
    be, and then rolled back."""
    try:
        return _import(statements=statements, file_sha256=file_sha256, actor=actor, dry_run=dry_run)
    except IntegrityError:
        pass  # a concurrent import of the same lines committed first: run again, they are duplicates now
    try:
        return _import(statements=statements, file_sha256=file_sha256, actor=actor, dry_run=dry_run)
    except IntegrityError:
        raise DomainError("another import of these lines is running; try again", code="bank_import_conflict")


@flow
def _import(*, statements: list[ParsedStatement], file_sha256: str, actor: Actor, dry_run: bool) -> ImportResult:
    texts = [f"{tx.remittance} {tx.end_to_end_id}" for s in statements for tx in s.transactions if tx.credit]
    matcher = Matcher(open_invoice_list(), threshold=match_threshold(),
                      closed_numbers=invoice_numbers_known(numbers=referenced_numbers(texts=texts)))
    results = tuple(_import_statement(parsed, matcher, file_sha256=file_sha256, actor=actor) for parsed in statements)
    if dry_run:
        transaction.set_rollback(True)
    return ImportResult(statements=results, dry_run=dry_run)


def _import_statement(parsed: ParsedStatement, matcher: Matcher, *, file_sha256: str, actor: Actor) -> StatementResult:
    keys = [t.entry_key for t in parsed.transactions]
    known = bank_entry_keys_known(account_iban=parsed.account_iban, entry_keys=keys)
    lines: list[BankLine] = []
    results: list[LineResult] = []
    for tx in parsed.transactions:
        if tx.entry_key in known:
            results.append(_result(tx, Match(DUPLICATE, Decimal("0"), "imported before")))
            continue
        known.add(tx.entry_key)
        match = matcher.match(tx)
        if match.status == "booked":
            match = _unless_paid_meanwhile(match, matcher)
        bookings = _book(tx, match, account_iban=parsed.account_iban, actor=actor) if match.status == "booked" else ()
        matcher.book(match)
        lines.append(BankLine(parsed=tx, match=match, bookings=bookings))
        results.append(_result(tx, match, invoices=tuple(b.invoice_number for b in bookings)))
    duplicates = len(results) - len(lines)
    seen = bank_statement_find(account_iban=parsed.account_iban, statement_id=parsed.statement_id,
                               file_sha256=file_sha256)
    if lines or seen is None:
        bank_statement_store(parsed=parsed, file_sha256=file_sha256, lines=lines, duplicates=duplicates, actor=actor)
    return StatementResult(statement_id=parsed.statement_id, account_iban=parsed.account_iban, format=parsed.format,
                           lines=tuple(results))


def _unless_paid_meanwhile(match: Match, matcher: Matcher) -> Match:
    """The open invoices were read without locks when the import began; another source (a PSP
    webhook, a payment by hand) may have paid one since. Under each order's row lock — the lock
    every booking takes — the due is read again, by the one rule (`order_balance_get`); if it
    fell, the line waits for review instead of booking an overpayment (the rule of
    `flows.psp_payment`)."""
    for allocation in sorted(match.allocations, key=lambda a: a.invoice.order_number):
        invoice = invoice_get(number=allocation.invoice.number)
        order = order_lock(order=order_get(number=invoice.order_number))
        due = order_balance_get(order=order).due
        if due < matcher.dues[invoice.number]:
            payments = payment_list_for_order(order_number=invoice.order_number)
            by = ", ".join(f"{p.source} {p.amount} {p.currency} ({p.external_id or p.method})" for p in payments[-2:])
            reason = f"{invoice.number} was paid in the meantime by {by}; {due} {invoice.currency} due: check by hand"
            return Match("review", match.confidence, reason[:300], suggestions=match.suggestions)
    return match


def _book(tx: ParsedTransaction, match: Match, *, account_iban: str, actor: Actor) -> tuple[Booking, ...]:
    plan = [(allocation.invoice, allocation.amount) for allocation in match.allocations]
    return _book_plan(tx, plan, account_iban=account_iban, actor=actor)


def _book_plan(tx: ParsedTransaction, plan: Iterable[tuple[OpenInvoice | Invoice, Decimal]], *, account_iban: str,
               actor: Actor) -> tuple[Booking, ...]:
    """One payment per (invoice, amount), each booked to the invoice's order."""
    bookings = []
    for invoice, amount in plan:
        data = bank_payment_data(account_iban=account_iban, parsed=tx, invoice_number=invoice.number,
                                 order_number=invoice.order_number, method=invoice.payment_method, amount=amount)
        payment = payment_received(order=order_get(number=invoice.order_number), data=data, actor=actor)
        bookings.append(Booking(payment=payment, invoice_number=invoice.number, order_number=invoice.order_number))
    return tuple(bookings)


def _result(tx: ParsedTransaction, match: Match, *, invoices: tuple[str, ...] = ()) -> LineResult:
    return LineResult(entry_key=tx.entry_key, amount=tx.amount, currency=tx.currency, credit=tx.credit,
                      counterparty_name=tx.counterparty_name, status=match.status, confidence=match.confidence,
                      reason=match.reason, invoices=invoices)


@flow
def bank_transaction_assign(*, transaction: BankTransaction, invoices: list[Invoice], actor: Actor) -> BankTransaction:
    """Book a line from the review list to the invoices a person chose: each gets its due,
    the last one the rest (partial or overpayment), and each order's payment state follows."""
    plan = bank_assignment_plan(transaction=transaction, invoices=invoices)
    parsed = ParsedTransaction(
        entry_key=transaction.entry_key, booking_date=transaction.booking_date, value_date=transaction.value_date,
        amount=transaction.amount, currency=transaction.currency, credit=transaction.credit,
        remittance=transaction.remittance,
    )
    bookings = _book_plan(parsed, plan, account_iban=transaction.account_iban, actor=actor)
    return bank_transaction_mark_booked(transaction=transaction, bookings=list(bookings), actor=actor)
