import hashlib
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Status

from kontorhaus.billing.models import Payment
from kontorhaus.billing.selectors import payment_find, payment_list_for_order
from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import IdempotencyConflict
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.sales.selectors import order_get

from .schemas_payments import PaymentIn, PaymentRecordedOut

router = Router(tags=["payments"])


def payment_out(payment: Payment) -> dict:
    return {"amount": payment.amount, "currency": payment.currency, "method": payment.method,
            "source": payment.source, "reference": payment.reference, "external_id": payment.external_id,
            "received_at": payment.received_at}


def _external_id(client: str, external_id: str | None) -> str | None:
    """Scoped per API client; hashed when it would not fit the column."""
    if not external_id:
        return None
    scoped = f"{client}:{external_id}"
    return scoped if len(scoped) <= 128 else f"sha256:{hashlib.sha256(scoped.encode()).hexdigest()}"


@router.post("/orders/{number}/payments", response={200: PaymentRecordedOut, 201: PaymentRecordedOut})
def order_payment_create(request: HttpRequest, number: str, body: PaymentIn):
    """Record money received for an order. With an `external_id` the same payment sent again
    is booked once (200 with the stored payment)."""
    order = order_get(number=number)
    data = PaymentData(order_number=order.number, amount=Decimal(body.amount), currency=body.currency or order.currency,
                       method=body.method, source=PaymentSource.API, reference=body.reference,
                       external_id=_external_id(request.auth.name, body.external_id),
                       received_at=body.received_at)
    known = payment_find(source=data.source, external_id=data.external_id) if data.external_id else None
    if known is not None and (known.order_number, known.amount) != (order.number, data.amount):
        raise IdempotencyConflict("this external_id was used for another order or amount",
                                  details={"field": "external_id", "order": known.order_number})
    payment = known or payment_received(order=order, data=data, actor=Actor("api", request.auth.name))
    order.refresh_from_db(fields=["payment_state", "balance_due"])
    body_out = {"order_number": order.number, "payment_status": order.payment_state, "balance_due": order.balance_due,
                "payment": payment_out(payment),
                "payments": [payment_out(p) for p in payment_list_for_order(order_number=order.number)]}
    return Status(200 if known else 201, body_out)
