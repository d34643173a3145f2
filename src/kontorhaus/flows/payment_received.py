"""Payment received: the payment is booked against the order's invoice and the order's
payment state is derived anew from all its payments; once paid, its digital lines are
delivered — in one transaction."""

from kontorhaus.billing.models import Payment
from kontorhaus.billing.selectors import invoice_for_order, order_payment_totals
from kontorhaus.billing.services import PaymentData, payment_record
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import orders_over_credit_limit_list
from kontorhaus.sales.services import order_payment_state_refresh, order_release_refresh

from .digital_delivery import digital_delivery_if_paid


@flow
def payment_received(*, order: SalesOrder, data: PaymentData, actor: Actor) -> Payment:
    if data.currency != order.currency:
        raise InvalidInput(f"payment in {data.currency} for an order in {order.currency}",
                           details={"field": "currency"})
    payment = payment_record(data=data, invoice=invoice_for_order(order_number=order.number), actor=actor)
    paid, refunded = order_payment_totals(order_number=order.number)
    order_payment_state_refresh(order=order, paid=paid, refunded=refunded, actor=actor)
    # Money in on one order may bring the customer back within their credit limit.
    for waiting in orders_over_credit_limit_list(customer_id=order.customer_id):
        if waiting.pk != order.pk:
            order_release_refresh(order=waiting, actor=actor)
    digital_delivery_if_paid(order=order, actor=actor)
    return payment
