"""The order's balance: what it owes (billing: its invoice less credit notes, or the order's
total before an invoice and nothing once cancelled) against what it netted (payments less
refunds). The order's payment view (`payment_state`, `balance_due`, and the release gate with
them) is derived from it after every change of either side: a payment or refund booked, a
partial credit note, a cancellation."""

from kontorhaus.billing.selectors import Balance, order_balance
from kontorhaus.core.audit import Actor
from kontorhaus.core.money import ZERO
from kontorhaus.core.transactions import flow
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_lock
from kontorhaus.sales.services import order_payment_state_refresh
from kontorhaus.sales.states import SalesOrderStatus


def order_balance_get(*, order: SalesOrder) -> Balance:
    """The order's balance now; `.due` > 0 is still to pay, < 0 is the customer's credit. Read
    it under the order's row lock to see every payment committed before."""
    total = ZERO if order.status == SalesOrderStatus.CANCELLED else order.total_gross
    return order_balance(order_number=order.number, order_total=total)


@flow
def order_balance_refresh(*, order: SalesOrder, actor: Actor) -> SalesOrder:
    """Derive the order's payment view anew from its balance (read under the order's lock)."""
    order = order_lock(order=order)
    balance = order_balance_get(order=order)
    return order_payment_state_refresh(order=order, owed=balance.owed, paid=balance.paid,
                                       refunded=balance.refunded, actor=actor)
