"""What a dunning run would send on a given day. Reads only; writes nothing."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from kontorhaus.core.exceptions import NotFound
from kontorhaus.core.money import db_amount

from ..models import DunningNotice, Invoice, PrepaymentReminder
from ..selectors import invoice_open_list, order_balance
from .policy import (
    ON_ACCOUNT_METHODS,
    DunningLevel,
    SentNotice,
    dunning_levels,
    invoice_due_date,
    next_level,
    payment_term_days,
)


@dataclass(frozen=True)
class DueNotice:
    """A reminder that is due: the invoice, the level to send and the amount still open."""

    invoice: Invoice
    level: DunningLevel
    due_date: dt.date
    amount_due: Decimal

    @property
    def fee(self) -> Decimal:
        return self.level.fee

    @property
    def total(self) -> Decimal:
        return self.amount_due + self.level.fee

    @property
    def customer(self) -> str:
        buyer = self.invoice.buyer or {}
        return buyer.get("company") or buyer.get("name") or self.invoice.customer_number


def _last_notice(field: str) -> Subquery:
    return Subquery(DunningNotice.objects.filter(invoice=OuterRef("pk")).order_by("-level").values(field)[:1])


def dunning_due_list(*, on: dt.date) -> list[DueNotice]:
    """Invoices bought on account that are overdue and owe a reminder on `on`, oldest first.

    One query: open invoices (`billing.selectors.invoice_open_list`, what is due after credit
    notes and refunds) of the on-account methods whose first level's day has come, with the last
    notice sent annotated.
    """
    levels = dunning_levels()
    if not levels:
        return []
    latest_issue = on - dt.timedelta(days=payment_term_days() + levels[0].days)
    invoices = (
        invoice_open_list().filter(payment_method__in=ON_ACCOUNT_METHODS, issue_date__lte=latest_issue)
        .annotate(last_level=_last_notice("level"), last_issue_date=_last_notice("issue_date"))
        .order_by("issue_date", "id")
    )
    due = []
    for invoice in invoices:
        last = SentNotice(invoice.last_level, invoice.last_issue_date) if invoice.last_level else None
        due_date = invoice_due_date(invoice.issue_date)
        level = next_level(levels=levels, due_date=due_date, last=last, on=on)
        if level is not None:
            due.append(DueNotice(invoice=invoice, level=level, due_date=due_date, amount_due=db_amount(invoice.due)))
    return due


def invoice_amount_open(*, invoice: Invoice) -> Decimal:
    """What is still due on the invoice's order (`billing.selectors.order_balance`)."""
    return order_balance(order_number=invoice.order_number, order_total=invoice.total_gross).due


def dunning_last_notice(*, invoice: Invoice) -> SentNotice | None:
    row = DunningNotice.objects.filter(invoice=invoice).order_by("-level").values("level", "issue_date").first()
    return SentNotice(row["level"], row["issue_date"]) if row else None


def dunning_notice_get(*, number: str) -> DunningNotice:
    try:
        return DunningNotice.objects.select_related("invoice").get(number=number)
    except DunningNotice.DoesNotExist:
        raise NotFound(f"dunning notice {number} not found", details={"number": number})


def dunning_notice_list(*, invoice: Invoice) -> list[DunningNotice]:
    return list(DunningNotice.objects.filter(invoice=invoice))


def prepayment_reminders(*, order_numbers: Iterable[str]) -> dict[str, PrepaymentReminder]:
    return {r.order_number: r for r in PrepaymentReminder.objects.filter(order_number__in=list(order_numbers))}
