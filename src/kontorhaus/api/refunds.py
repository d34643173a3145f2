from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Status

from kontorhaus.billing.models_refunds import Refund
from kontorhaus.billing.refunds.selectors import payment_for_refund, refund_list_for_order
from kontorhaus.core.audit import Actor
from kontorhaus.flows.refund import BankAccount, refund_request
from kontorhaus.sales.selectors import order_get

from .schemas_refunds import RefundIn, RefundOut

router = Router(tags=["refunds"])


def refund_out(refund: Refund) -> dict:
    return {"id": refund.reference, "order_number": refund.order_number, "payment": refund.payment.external_id,
            "amount": refund.amount, "currency": refund.currency, "method": refund.method, "status": refund.status,
            "reason": refund.reason, "credit_note": refund.credit_note.number if refund.credit_note else None,
            "provider_reference": refund.provider_reference, "iban": refund.iban,
            "account_name": refund.account_name,
            "sepa_export": refund.exported_in.message_id if refund.exported_in else None,
            "last_error": refund.last_error, "requested_at": refund.requested_at}


@router.post("/orders/{number}/refunds", response={201: RefundOut})
def order_refund_create(request: HttpRequest, number: str, body: RefundIn):
    """Refund all or part of a payment: PSP payments through the provider, bank payments in the
    next SEPA file (to the account they came from unless `iban` is given), others by hand."""
    order = order_get(number=number)
    payment = payment_for_refund(order_number=order.number, reference=body.payment)
    account = BankAccount(iban=body.iban, name=body.account_name or "") if body.iban else None
    refund = refund_request(order=order, payment=payment, amount=Decimal(body.amount), reason=body.reason,
                            with_credit_note=body.with_credit_note, actor=Actor("api", request.auth.name),
                            bank_account=account)
    return Status(201, refund_out(refund))


@router.get("/orders/{number}/refunds", response=list[RefundOut])
def order_refund_list(request: HttpRequest, number: str):
    order = order_get(number=number)
    return [refund_out(r) for r in refund_list_for_order(order_number=order.number)]
