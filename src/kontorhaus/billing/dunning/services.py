"""Issuing reminders. Each call is one business operation: the notice (or reminder) row, its
number, its e-mail with the letter attached and the audit event commit together or not at all.

Both services decide again on current data and do nothing (return None) when the reminder is
no longer due: the invoice was paid or cancelled meanwhile, or a concurrent run sent it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.core import formatting
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import NumberKind
from kontorhaus.core.numbering import next_number
from kontorhaus.core.transactions import operation
from kontorhaus.documents.labels import dunning_title
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue

from ..models import DunningNotice, Invoice, PrepaymentReminder
from ..selectors import invoice_for_order, order_balance
from ..services import seller_snapshot
from ..states import InvoiceStatus
from .policy import dunning_levels, invoice_due_date, next_level, pay_within_days, prepayment_cancel_days
from .selectors import DueNotice, dunning_last_notice, invoice_amount_open


def _bank(seller: dict) -> dict[str, str]:
    return {"shop_name": seller.get("name", ""), "iban": seller.get("iban", ""), "bic": seller.get("bic", ""),
            "bank_name": seller.get("bank_name", "")}


def _notice_context(notice: DunningNotice, invoice: Invoice) -> dict:
    lang, cur = notice.language, notice.currency

    def money(amount: Decimal) -> str:
        return formatting.money(amount, cur, lang)

    return {
        **_bank(notice.seller), "title": dunning_title(lang, notice.level), "level": notice.level,
        "notice_number": notice.number, "customer_name": invoice.buyer.get("name", ""),
        "invoice_number": invoice.number, "invoice_date": formatting.date(invoice.issue_date, lang),
        "due_date": formatting.date(notice.due_date, lang), "pay_by": formatting.date(notice.pay_by, lang),
        "amount_due": money(notice.amount_due), "fee": money(notice.fee) if notice.fee else "",
        "total": money(notice.amount_due + notice.fee),
    }


@operation
def dunning_notice_issue(*, due: DueNotice, on: dt.date, actor: Actor) -> DunningNotice | None:
    """Issue the reminder `due` plans, with its e-mail (letter and invoice attached)."""
    invoice = Invoice.objects.select_for_update().get(pk=due.invoice.pk)  # serialises concurrent runs
    amount = invoice_amount_open(invoice=invoice)
    due_date = invoice_due_date(invoice.issue_date)
    level = next_level(levels=dunning_levels(), due_date=due_date, last=dunning_last_notice(invoice=invoice), on=on)
    if invoice.status != InvoiceStatus.ISSUED or amount <= 0 or level is None or level.level != due.level.level:
        return None
    to = (invoice.buyer or {}).get("email") or ""
    if not to:
        raise InvalidInput(f"invoice {invoice.number} has no e-mail address to remind", details={"field": "email"})
    notice = DunningNotice(
        invoice=invoice, order_number=invoice.order_number, level=level.level, issue_date=on, due_date=due_date,
        pay_by=on + dt.timedelta(days=pay_within_days()), amount_due=amount, fee=level.fee,
        currency=invoice.currency, language=invoice.language, seller=seller_snapshot(), template=level.template,
        actor=str(actor),
    )
    notice.number = next_number(kind=NumberKind.DUNNING, on=on)
    email = email_enqueue(
        template=level.template, to=to, language=invoice.language, context=_notice_context(notice, invoice),
        attachments=[{"kind": "dunning_letter", "number": notice.number},
                     {"kind": "invoice", "number": invoice.number}],
        related_type="billing.dunningnotice", related_ref=notice.number, order_number=invoice.order_number,
    )
    notice.email_public_id = email.public_id
    notice.save(force_insert=True)
    record(action=AuditAction.BILLING_DUNNING_NOTICE_ISSUED, obj=notice, actor=actor,
           order_number=invoice.order_number,
           data={"invoice": invoice.number, "level": level.level, "amount_due": str(amount), "fee": str(level.fee)})
    return notice


@dataclass(frozen=True)
class PrepaymentOrder:
    """What the flow hands billing about an unpaid prepayment order (billing knows orders only
    by number and such a snapshot)."""

    order_number: str
    customer_email: str
    customer_name: str
    language: str
    currency: str
    total_gross: Decimal
    placed_on: dt.date


def prepayment_cancel_date(*, placed_on: dt.date, reminded_on: dt.date) -> dt.date:
    """The first day a run may cancel: the configured day, but never the reminder's own day."""
    return max(placed_on + dt.timedelta(days=prepayment_cancel_days()), reminded_on + dt.timedelta(days=1))


@operation
def prepayment_reminder_send(*, order: PrepaymentOrder, on: dt.date, actor: Actor) -> PrepaymentReminder | None:
    """The one reminder for an unpaid prepayment order. The caller holds the order's lock."""
    if PrepaymentReminder.objects.filter(order_number=order.order_number).exists():
        return None
    balance = order_balance(order_number=order.order_number, order_total=order.total_gross)
    paid, amount = balance.net_paid, balance.due
    if amount <= 0:
        return None
    cancel_on = prepayment_cancel_date(placed_on=order.placed_on, reminded_on=on)
    invoice = invoice_for_order(order_number=order.order_number)
    lang, cur = order.language, order.currency
    context = {
        **_bank(seller_snapshot()), "customer_name": order.customer_name, "order_number": order.order_number,
        "order_date": formatting.date(order.placed_on, lang), "total": formatting.money(order.total_gross, cur, lang),
        "paid": formatting.money(paid, cur, lang) if paid else "", "amount_due": formatting.money(amount, cur, lang),
        "reference": invoice.number if invoice else order.order_number,
        "pay_by": formatting.date(cancel_on - dt.timedelta(days=1), lang),
    }
    email = email_enqueue(
        template=EmailTemplate.PREPAYMENT_REMINDER, to=order.customer_email, language=lang, context=context,
        related_type="billing.prepaymentreminder", related_ref=order.order_number, order_number=order.order_number,
    )
    reminder = PrepaymentReminder.objects.create(
        order_number=order.order_number, sent_on=on, cancel_on=cancel_on, amount_due=amount, currency=cur,
        email_public_id=email.public_id, actor=str(actor),
    )
    record(action=AuditAction.BILLING_PREPAYMENT_REMINDER_SENT, obj=reminder, actor=actor,
           order_number=order.order_number, data={"amount_due": str(amount), "cancel_on": cancel_on.isoformat()})
    return reminder
