"""PayPal refunds (Payments v2): an OAuth2 access token by client credentials
(`POST /v1/oauth2/token`), then `POST /v2/payments/captures/{capture_id}/refund` with the amount
as JSON and our refund id as `PayPal-Request-Id`, so a retry returns the first refund.
https://developer.paypal.com/docs/api/payments/v2/#captures_refund
A refund PayPal left pending is asked about again: `GET /v2/payments/refunds/{id}`."""

import base64
import json
from urllib.parse import quote

from kontorhaus.core.money import quantize
from kontorhaus.flows.refund_settle import FAILED, PENDING, SUCCEEDED, ProviderAnswer

from .refund_http import RefundCallError, RefundOrder, call, failure, setting

_STATUS = {"COMPLETED": SUCCEEDED, "PENDING": PENDING, "CANCELLED": FAILED, "FAILED": FAILED}


def _message(body: dict) -> str:
    issues = [f"{d.get('issue')}: {d.get('description', '')}".strip(": ") for d in body.get("details") or []
              if isinstance(d, dict)]
    return "; ".join(issues) or str(body.get("message") or body.get("error_description") or body.get("_raw", ""))


def access_token(base: str) -> str:
    client_id, secret = setting("PAYPAL_CLIENT_ID"), setting("PAYPAL_CLIENT_SECRET")
    if not client_id or not secret:
        raise RefundCallError("PAYPAL_CLIENT_ID / PAYPAL_CLIENT_SECRET are not configured", retryable=False)
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    status, body = call(f"{base}/v1/oauth2/token", data=b"grant_type=client_credentials", headers={
        "Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json"})
    if status >= 300 or not body.get("access_token"):
        raise failure(status, f"token: {_message(body)}")
    return str(body["access_token"])


def paypal_refund(order: RefundOrder) -> ProviderAnswer:
    base = setting("PAYPAL_API_BASE").rstrip("/")
    token = access_token(base)
    payload = {"amount": {"value": str(quantize(order.amount, order.currency)), "currency_code": order.currency},
               "note_to_payer": (order.reason or f"Erstattung {order.order_number}")[:255]}
    url = f"{base}/v2/payments/captures/{quote(order.provider_payment_id, safe='')}/refund"
    status, body = call(url, data=json.dumps(payload).encode(), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        "PayPal-Request-Id": f"kontorhaus-refund-{order.reference}", "Prefer": "return=representation"})
    if status >= 300:
        raise failure(status, f"{body.get('name', 'error')}: {_message(body)}")
    return _answer(body)


def paypal_refund_status(refund_id: str) -> ProviderAnswer:
    base = setting("PAYPAL_API_BASE").rstrip("/")
    token = access_token(base)
    status, body = call(f"{base}/v2/payments/refunds/{quote(refund_id, safe='')}", data=None,
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    if status >= 300:
        raise failure(status, f"{body.get('name', 'error')}: {_message(body)}")
    return _answer(body)


def _answer(body: dict) -> ProviderAnswer:
    state = _STATUS.get(str(body.get("status")), PENDING)
    details = body.get("status_details")
    reason = details.get("reason", "") if isinstance(details, dict) else ""
    return ProviderAnswer(status=state, reference=str(body.get("id", "")), error=str(reason) if state == FAILED else "")
