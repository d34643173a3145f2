"""Credit limit: orders on account that wait because of the customer's credit limit are checked
again whenever the room under the limit may have grown — a payment came in (payment_received),
the limit was raised or removed, another order of the customer was cancelled — and released
when they fit. Checks that tighten the limit need no flow: every release gate re-checks it."""

from decimal import Decimal

from kontorhaus.core.audit import Actor
from kontorhaus.core.transactions import flow
from kontorhaus.customers.models import Customer
from kontorhaus.customers.services import customer_credit_limit_set
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import orders_over_credit_limit_list
from kontorhaus.sales.services import order_release_refresh


def credit_limit_recheck(*, customer_id: int, actor: Actor, skip: SalesOrder | None = None) -> None:
    """Re-derive the release gate of the customer's orders held by the credit limit, oldest
    first (each one released counts against the next). `skip`: an order the caller has just
    derived anew itself."""
    for waiting in orders_over_credit_limit_list(customer_id=customer_id):
        if skip is None or waiting.pk != skip.pk:
            order_release_refresh(order=waiting, actor=actor)


@flow
def customer_credit_limit_change(*, customer: Customer, limit: Decimal | None, actor: Actor) -> Customer:
    """Set (or remove, with None) the customer's credit limit; orders it held are released when
    they now fit."""
    customer = customer_credit_limit_set(customer=customer, limit=limit, actor=actor)
    credit_limit_recheck(customer_id=customer.pk, actor=actor)
    return customer
