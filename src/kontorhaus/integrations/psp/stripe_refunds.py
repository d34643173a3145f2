"""Stripe refunds: `POST /v1/refunds` (form-encoded, amount in the smallest currency unit),
authenticated with the secret key as Bearer token and made idempotent by the `Idempotency-Key`
header (our refund id): a retry after a lost answer gets the same refund back, never a second one.
https://docs.stripe.com/api/refunds/create
A refund Stripe left pending is asked about again: `GET /v1/refunds/{id}`."""

from urllib.parse import quote, urlencode

from kontorhaus.core.money import exponent
from kontorhaus.flows.refund_settle import FAILED, PENDING, SUCCEEDED, ProviderAnswer

from .refund_http import RefundCallError, RefundOrder, call, failure, setting

_STATUS = {"succeeded": SUCCEEDED, "pending": PENDING, "requires_action": PENDING, "failed": FAILED,
           "canceled": FAILED}


def minor_units(order: RefundOrder) -> int:
    return int(order.amount.scaleb(exponent(order.currency)))


def stripe_refund(order: RefundOrder) -> ProviderAnswer:
    key = setting("STRIPE_SECRET_KEY")
    if not key:
        raise RefundCallError("STRIPE_SECRET_KEY is not configured", retryable=False)
    form = urlencode({"payment_intent": order.provider_payment_id, "amount": minor_units(order),
                      "reason": "requested_by_customer", "metadata[kontorhaus_refund]": order.reference,
                      "metadata[order_number]": order.order_number})
    status, body = call(f"{setting('STRIPE_API_BASE').rstrip('/')}/v1/refunds", data=form.encode(), headers={
        "Authorization": f"Bearer {key}", "Idempotency-Key": f"kontorhaus-refund-{order.reference}",
        "Content-Type": "application/x-www-form-urlencoded", "Stripe-Version": "2024-06-20",
    })
    if status >= 300:
        error = body.get("error") or {}
        code = error.get("code") or error.get("type") or "error"
        raise failure(status, f"{code}: {error.get('message') or body.get('_raw', '')}".strip())
    return _answer(body)


def _answer(body: dict) -> ProviderAnswer:
    state = _STATUS.get(str(body.get("status")), PENDING)
    return ProviderAnswer(status=state, reference=str(body.get("id", "")),
                          error=str(body.get("failure_reason") or "") if state == FAILED else "")


def stripe_refund_status(refund_id: str) -> ProviderAnswer:
    key = setting("STRIPE_SECRET_KEY")
    if not key:
        raise RefundCallError("STRIPE_SECRET_KEY is not configured", retryable=False)
    url = f"{setting('STRIPE_API_BASE').rstrip('/')}/v1/refunds/{quote(refund_id, safe='')}"
    status, body = call(url, data=None, headers={"Authorization": f"Bearer {key}", "Stripe-Version": "2024-06-20"})
    if status >= 300:
        error = body.get("error") or {}
        raise failure(status, f"{error.get('code') or error.get('type') or 'error'}: {error.get('message') or ''}")
    return _answer(body)
