"""Payment received: the payment (or a refund, a negative payment) is booked against the
order's invoice and the order's payment view is derived anew from its balance; once nothing is
due, its digital lines are delivered — in one transaction."""

from kontorhaus.billing.models import Payment
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import PaymentData, payment_record
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.sales.models import SalesOrder

from .credit_limit import credit_limit_recheck
from .digital_delivery import digital_delivery_if_paid
from .order_balance import order_balance_refresh


@flow
def payment_received(*, order: SalesOrder, data: PaymentData, actor: Actor) -> Payment:
    if data.currency != order.currency:
        raise InvalidInput(f"payment in {data.currency} for an order in {order.currency}",
                           details={"field": "currency"})
    payment = payment_record(data=data, invoice=invoice_for_order(order_number=order.number), actor=actor)
    order_balance_refresh(order=order, actor=actor)
    # Money in on one order may bring the customer back within their credit limit.
    credit_limit_recheck(customer_id=order.customer_id, actor=actor, skip=order)
    digital_delivery_if_paid(order=order, actor=actor)
    return payment
