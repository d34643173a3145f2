"""Reads for bank statement matching and the review pages."""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from kontorhaus.core.exceptions import NotFound
from kontorhaus.core.money import db_amount

from ..models import Invoice
from ..models_bank import BankStatement, BankTransaction, BankTransactionStatus
from ..selectors import invoice_open_list
from .matching import OpenInvoice
from .references import INVOICE, ORDER, references_in

CHUNK = 500


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def open_invoice_list() -> list[OpenInvoice]:
    """Issued invoices with something still due (`billing.selectors.invoice_open_list`: total
    gross less credit notes less what the order's payments net), read as plain values: 50,000
    of them load in well under a second."""
    rows = invoice_open_list().order_by().values_list(
        "number", "order_number", "currency", "due", "buyer__name", "buyer__company", "payment_method")
    return [
        OpenInvoice(number=number, order_number=order_number, currency=currency, due=db_amount(due),
                    names=tuple(n for n in (name, company) if n), payment_method=method)
        for number, order_number, currency, due, name, company, method in rows
    ]


def referenced_numbers(*, texts: Iterable[str]) -> list[str]:
    """Every invoice or order number the texts may mean, written as we write them."""
    numbers: set[str] = set()
    for text in texts:
        for ref in references_in(text):
            if ref.key is not None:
                kinds = (ref.kind,) if ref.kind else (INVOICE, ORDER)
                numbers.update(f"{kind}-{ref.key[:4]}-{ref.key[4:]}" for kind in kinds)
    return sorted(numbers)


def invoice_numbers_known(*, numbers: list[str]) -> set[str]:
    """Which of these invoice or order numbers exist (open or not), in batched queries."""
    known: set[str] = set()
    for chunk in _chunks(numbers):
        known.update(Invoice.objects.filter(number__in=chunk).values_list("number", flat=True))
        known.update(Invoice.objects.filter(order_number__in=chunk).values_list("order_number", flat=True))
    return known


def bank_entry_keys_known(*, account_iban: str, entry_keys: list[str]) -> set[str]:
    known: set[str] = set()
    for chunk in _chunks(sorted(set(entry_keys))):
        known.update(BankTransaction.objects.filter(account_iban=account_iban, entry_key__in=chunk)
                     .values_list("entry_key", flat=True))
    return known


def bank_statement_find(*, account_iban: str, statement_id: str, file_sha256: str) -> BankStatement | None:
    return BankStatement.objects.filter(account_iban=account_iban, statement_id=statement_id,
                                        file_sha256=file_sha256).first()


def bank_statement_list() -> QuerySet[BankStatement]:
    return BankStatement.objects.order_by("-imported_at", "-id")


def bank_transaction_review_list() -> QuerySet[BankTransaction]:
    return (BankTransaction.objects.filter(status=BankTransactionStatus.REVIEW)
            .select_related("statement").order_by("booking_date", "id"))


def bank_transaction_get(*, pk: int) -> BankTransaction:
    try:
        return BankTransaction.objects.select_related("statement").get(pk=pk)
    except BankTransaction.DoesNotExist:
        raise NotFound(f"bank transaction {pk} not found", details={"id": pk})


def bank_transaction_lock(*, transaction: BankTransaction) -> BankTransaction:
    """The line's current row, locked until the caller's transaction ends."""
    return BankTransaction.objects.select_for_update().get(pk=transaction.pk)
