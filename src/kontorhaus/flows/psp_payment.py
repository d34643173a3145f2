"""PSP payment received: a payment service provider (Stripe, PayPal) tells us that a customer
paid. The payment is booked against the order the shop named in the PSP object — or parked
with a reason a person can act on, changing nothing else.

The rule for "the same invoice settled by two sources at once" (a bank transfer booked while
the card payment's webhook is being processed, or the other way round): whoever books checks
what is still due *under the order's row lock*, so the second one sees the first. A PSP
payment for an invoice that is already settled is parked ("already paid by bank …"), never
booked as an overpayment behind a person's back; `bank_statement_import` does the same for
its lines. The payment itself is keyed by the PSP's payment id (payment intent, capture), so
two events about one payment (`checkout.session.completed` and `payment_intent.succeeded`)
book it once.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.billing.models import Payment
from kontorhaus.billing.selectors import invoice_get, payment_find, payment_list_for_order
from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import NotFound
from kontorhaus.core.transactions import flow
from kontorhaus.flows.order_balance import order_balance_get
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_get, order_lock
from kontorhaus.sales.states import SalesOrderStatus

PROCESSED, PARKED = "processed", "parked"


@dataclass(frozen=True)
class PspPayment:
    """A completed PSP payment, as an adapter in `integrations` read it from a verified event."""

    provider: str  # "stripe", "paypal"
    payment_id: str  # the payment, not the event: payment intent pi_…, capture id
    reference: str  # what the shop put into the PSP object: our order or invoice number
    amount: Decimal  # in the currency's unit, e.g. Decimal("44.88")
    currency: str  # ISO 4217, upper case
    method: str  # "card", "paypal"
    received_at: dt.datetime | None = None

    @property
    def external_id(self) -> str:
        return f"{self.provider}:{self.payment_id}"


@dataclass(frozen=True)
class PspOutcome:
    status: str  # processed | parked
    reason: str
    order_number: str = ""
    payment: Payment | None = None


def order_for_reference(reference: str) -> SalesOrder | None:
    """The order an order number (AU-…) or invoice number (RE-…) names; None if none."""
    number = reference.strip().upper()
    try:
        if number.startswith("RE-"):
            number = invoice_get(number=number).order_number
        return order_get(number=number)
    except NotFound:
        return None


@flow
def psp_payment_received(*, payment: PspPayment, actor: Actor) -> PspOutcome:
    found = order_for_reference(payment.reference) if payment.reference else None
    if found is None:
        reason = f"unknown order reference {payment.reference!r}" if payment.reference else \
            "the payment names no order (client_reference_id / metadata.order_number / custom_id / invoice_id)"
        return PspOutcome(PARKED, reason)
    order = order_lock(order=found)
    booked = payment_find(source=PaymentSource.PSP, external_id=payment.external_id)
    if booked is not None:
        return PspOutcome(PROCESSED, f"payment {payment.external_id} was booked before", order.number, booked)
    refusal = _refusal(order=order, payment=payment)
    if refusal:
        return PspOutcome(PARKED, refusal, order.number)
    data = PaymentData(order_number=order.number, amount=payment.amount, currency=payment.currency,
                       method=payment.method, source=PaymentSource.PSP, reference=payment.reference,
                       external_id=payment.external_id, received_at=payment.received_at)
    booked = payment_received(order=order, data=data, actor=actor)
    return PspOutcome(PROCESSED, f"{payment.amount} {payment.currency} booked for {order.number}", order.number,
                      booked)


def _refusal(*, order: SalesOrder, payment: PspPayment) -> str:
    """Why this payment must wait for a person (checked under the order's lock), or ""."""
    money = f"{payment.amount} {payment.currency}"
    if payment.currency != order.currency:
        return f"paid {money}, but order {order.number} is in {order.currency}"
    if order.status == SalesOrderStatus.CANCELLED:
        return f"order {order.number} is cancelled: refund the {money}"
    if order_balance_get(order=order).due <= 0:
        return (f"order {order.number} was paid in the meantime by {_paid_by(order)}: "
                f"check for a double payment and refund the {money}")
    return ""


def _paid_by(order: SalesOrder) -> str:
    payments = payment_list_for_order(order_number=order.number)[-3:]
    return ", ".join(f"{p.source} ({p.amount} {p.currency}, {p.external_id or p.reference or p.method})"
                     for p in payments) or "earlier payments"
