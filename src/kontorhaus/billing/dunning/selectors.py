"""What a dunning run would send on a given day. Reads only; writes nothing."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from kontorhaus.core.exceptions import NotFound

from ..models import MONEY, DunningNotice, Invoice, Payment, PrepaymentReminder
from ..states import InvoiceStatus
from .policy import (
    ON_ACCOUNT_METHODS,
    DunningLevel,
    SentNotice,
    dunning_levels,
    invoice_due_date,
    next_level,
    payment_term_days,
)

ZERO = Decimal("0.00")


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


def _net_paid_subquery() -> Subquery:
    """Payments minus refunds of the invoice's order (refunds are negative payments)."""
    paid = (Payment.objects.filter(order_number=OuterRef("order_number")).order_by()
            .values("order_number").annotate(total=Sum("amount")).values("total"))
    return Coalesce(Subquery(paid), Value(ZERO), output_field=DecimalField(**MONEY))


def _last_notice(field: str) -> Subquery:
    return Subquery(DunningNotice.objects.filter(invoice=OuterRef("pk")).order_by("-level").values(field)[:1])


def dunning_due_list(*, on: dt.date) -> list[DueNotice]:
    """Invoices bought on account that are overdue and owe a reminder on `on`, oldest first.

    One query: issued invoices of the on-account methods whose first level's day has come,
    with the net paid and the last notice sent annotated; paid ones are filtered out in SQL.
    """
    levels = dunning_levels()
    if not levels:
        return []
    latest_issue = on - dt.timedelta(days=payment_term_days() + levels[0].days)
    invoices = (
        Invoice.objects.filter(status=InvoiceStatus.ISSUED, payment_method__in=ON_ACCOUNT_METHODS,
                               issue_date__lte=latest_issue)
        .annotate(net_paid=_net_paid_subquery(), last_level=_last_notice("level"),
                  last_issue_date=_last_notice("issue_date"))
        .order_by("issue_date", "id")
    )
    due = []
    for invoice in invoices:
        amount = invoice.total_gross - invoice.net_paid
        if amount <= 0:
            continue
        last = SentNotice(invoice.last_level, invoice.last_issue_date) if invoice.last_level else None
        due_date = invoice_due_date(invoice.issue_date)
        level = next_level(levels=levels, due_date=due_date, last=last, on=on)
        if level is not None:
            due.append(DueNotice(invoice=invoice, level=level, due_date=due_date, amount_due=amount))
    return due


def invoice_amount_open(*, invoice: Invoice) -> Decimal:
    paid = Payment.objects.filter(order_number=invoice.order_number).aggregate(total=Sum("amount"))["total"]
    return invoice.total_gross - (paid or ZERO)


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


def order_net_paid(*, order_numbers: Iterable[str]) -> dict[str, Decimal]:
    """Payments minus refunds per order, one query; orders without payments are absent."""
    rows = (Payment.objects.filter(order_number__in=list(order_numbers)).values("order_number")
            .annotate(total=Sum("amount")).order_by())
    return {row["order_number"]: row["total"] for row in rows}


def prepayment_reminders(*, order_numbers: Iterable[str]) -> dict[str, PrepaymentReminder]:
    return {r.order_number: r for r in PrepaymentReminder.objects.filter(order_number__in=list(order_numbers))}
