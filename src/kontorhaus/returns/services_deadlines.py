"""The 14-day refund deadline after a withdrawal (§ 357 Abs. 1 BGB): an alert before it passes.

The alert is an event on the order's timeline, written once per withdrawal when it comes within
the policy's alert days; the back office lists every withdrawal due or overdue (selectors). The
worker runs the check with its periodic sweeps; `kontorhaus returns deadlines` runs it by hand."""

from kontorhaus.core import clock
from kontorhaus.core.audit import SYSTEM, Actor, AuditAction, record
from kontorhaus.core.transactions import operation

from .models import Withdrawal
from .selectors import withdrawals_refund_due


@operation
def withdrawal_deadline_alert(*, actor: Actor = SYSTEM) -> list[Withdrawal]:
    """Alert the withdrawals that came within the alert days and were not alerted yet."""
    due = [w for w in withdrawals_refund_due() if w.refund_alerted_at is None]
    if not due:
        return []
    now = clock.now()
    changed = Withdrawal.objects.filter(pk__in=[w.pk for w in due], refund_alerted_at__isnull=True).update(
        refund_alerted_at=now)
    if changed != len(due):  # another process alerted some meanwhile: only ours are written
        due = [w for w in due if Withdrawal.objects.filter(pk=w.pk, refund_alerted_at=now).exists()]
    for withdrawal in due:
        record(action=AuditAction.RETURNS_WITHDRAWAL_ALERTED, obj=withdrawal, actor=actor,
               order_number=withdrawal.order.number,
               data={"refund_due_on": withdrawal.refund_due_on.isoformat(),
                     "overdue": withdrawal.refund_due_on < clock.today()})
    return due


def withdrawal_deadline_sweep() -> None:
    withdrawal_deadline_alert(actor=SYSTEM)
