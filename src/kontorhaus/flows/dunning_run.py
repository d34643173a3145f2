"""Dunning run: overdue invoices bought on account get the next reminder level (e-mail with the
letter and the invoice attached); unpaid prepayment orders get one reminder and are cancelled
later — stock released, credit note issued — unless part of the money came in.

Reading order: plan (reads only; a dry run stops here) -> for each planned item, one
transaction of its own, so one broken invoice or order does not stop the rest. Every step
decides again on the locked row, so a run repeated the same day, or two runs at once, send
nothing twice (and the unique constraints on the notice and reminder rows back that up).
"""

import datetime as dt
import logging
from dataclasses import dataclass, replace
from decimal import Decimal

from kontorhaus.billing.dunning.policy import CANCEL_REASON, PREPAYMENT_METHOD, prepayment_reminder_days
from kontorhaus.billing.dunning.selectors import DueNotice, dunning_due_list, prepayment_reminders
from kontorhaus.billing.dunning.services import PrepaymentOrder, dunning_notice_issue, prepayment_reminder_send
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import OrderFilter, order_list, order_lock
from kontorhaus.sales.states import PaymentState, SalesOrderStatus

from .order_cancel import order_cancel

logger = logging.getLogger(__name__)

REMIND, CANCEL, KEEP = "remind", "cancel", "keep"


@dataclass(frozen=True)
class PrepaymentItem:
    order: SalesOrder
    action: str  # remind | cancel | keep (partially paid: reminded, never cancelled automatically)
    amount_due: Decimal


@dataclass(frozen=True)
class DunningPlan:
    on: dt.date
    dry_run: bool
    notices: tuple[DueNotice, ...]
    prepayment: tuple[PrepaymentItem, ...]
    done: tuple[str, ...] = ()  # notice numbers issued, order numbers reminded or cancelled
    skipped: tuple[str, ...] = ()  # no longer due when its turn came (paid meanwhile, a concurrent run)
    failed: tuple[tuple[str, str], ...] = ()  # (invoice or order number, error)


def dunning_run(*, on: dt.date, actor: Actor, dry_run: bool) -> DunningPlan:
    if not dry_run and on > clock.today():
        raise InvalidInput("reminders cannot be sent for a future date; use a dry run to preview it",
                           details={"field": "date"})
    plan = DunningPlan(on=on, dry_run=dry_run, notices=tuple(dunning_due_list(on=on)),
                       prepayment=tuple(_prepayment_plan(on)))
    if dry_run:
        return plan
    done, skipped, failed = [], [], []
    steps = [(due.invoice.number, _notice_step(due, on, actor)) for due in plan.notices]
    steps += [(item.order.number, _prepayment_step(item, on, actor)) for item in plan.prepayment
              if item.action != KEEP]
    for reference, step in steps:
        try:
            result = step()
        except Exception as exc:  # noqa: BLE001 - a batch: one failure is logged and reported, the rest go on
            logger.exception("dunning run: %s failed", reference)
            failed.append((reference, str(exc)))
            continue
        (done if result else skipped).append(result or reference)
    return replace(plan, done=tuple(done), skipped=tuple(skipped), failed=tuple(failed))


def _notice_step(due: DueNotice, on: dt.date, actor: Actor):
    def step() -> str:
        notice = dunning_notice_issue(due=due, on=on, actor=actor)  # its own transaction
        return notice.number if notice else ""

    return step


def _prepayment_step(item: PrepaymentItem, on: dt.date, actor: Actor):
    def step() -> str:
        if item.action == REMIND:
            return _remind(order=item.order, on=on, actor=actor)
        return _cancel_unpaid(order=item.order, actor=actor)

    return step


def _prepayment_plan(on: dt.date) -> list[PrepaymentItem]:
    """Open prepayment orders with something due (unpaid or partly paid), placed at least the
    reminder's days ago."""
    orders = list(
        order_list(filters=OrderFilter(status=SalesOrderStatus.OPEN,
                                       placed_to=on - dt.timedelta(days=prepayment_reminder_days())))
        .filter(payment_method=PREPAYMENT_METHOD, balance_due__gt=0)
        .order_by("placed_at", "id")
    )
    numbers = [o.number for o in orders]
    reminders = prepayment_reminders(order_numbers=numbers)
    plan = []
    for order in orders:
        amount = order.balance_due
        reminder = reminders.get(order.number)
        if reminder is None:
            plan.append(PrepaymentItem(order, REMIND, amount))
        elif on >= reminder.cancel_on:
            action = CANCEL if order.payment_state == PaymentState.UNPAID else KEEP
            plan.append(PrepaymentItem(order, action, amount))
    return plan


@flow
def _remind(*, order: SalesOrder, on: dt.date, actor: Actor) -> str:
    order = order_lock(order=order)  # serialises concurrent runs on this order
    if order.status != SalesOrderStatus.OPEN or order.balance_due <= 0:
        return ""
    reminder = prepayment_reminder_send(
        order=PrepaymentOrder(order_number=order.number, customer_email=order.customer_email,
                              customer_name=order.customer_name, language=order.language, currency=order.currency,
                              total_gross=order.total_gross, placed_on=clock.local_date(order.placed_at)),
        on=on, actor=actor,
    )
    return order.number if reminder else ""


@flow
def _cancel_unpaid(*, order: SalesOrder, actor: Actor) -> str:
    order = order_lock(order=order)
    if order.status != SalesOrderStatus.OPEN or order.payment_state != PaymentState.UNPAID or order.balance_due <= 0:
        return ""  # paid (in part), credited or cancelled since the plan was made
    order_cancel(order=order, actor=actor, reason=CANCEL_REASON)
    return order.number
