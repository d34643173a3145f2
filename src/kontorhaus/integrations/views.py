"""Webhook endpoints of the payment providers: verify the signature over the raw body, then
store the event once and process it in the same transaction.

Answers: 200 for every event we have stored (processed, parked for a person, ignored, or a
repeat of one we have) — a provider retries anything else for days; 400 when the signature
or the body is bad (nothing is stored), and when a PayPal transmission id comes again with
another body (a signature lifted onto a forged body: nothing is stored or booked); 503 while
the endpoint's secret is not configured (the provider retries, and its deliveries get through
once it is).

The signature headers themselves are not stored: with the body they would be a delivery anyone
who can read the table could post again (the time window and the transmission check refuse it
now, but a secret kept is a secret that can leak)."""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.psp_payment import PARKED, psp_payment_received

from .models import InboundEventStatus
from .psp import paypal, stripe
from .psp.common import ParsedEvent, PayloadError, SignatureError
from .services import (
    DeliveryReceipt,
    EventReceipt,
    inbound_delivery_record,
    inbound_event_record,
    inbound_event_settle,
)

logger = logging.getLogger(__name__)
SIGNATURE_HEADERS = (stripe.HEADER, paypal.SIGNATURE_HEADER)
KEPT_HEADERS = (*(h for h in paypal.HEADERS if h not in SIGNATURE_HEADERS), "User-Agent", "Content-Type")
TRANSMISSION_ID_MAX = 128


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": {}}, status=status)


def _secret(name: str) -> str:
    return str(settings.KONTORHAUS.get(name) or "")


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    secret = _secret("STRIPE_WEBHOOK_SECRET")
    if not secret:
        return _error(503, "not_configured", "STRIPE_WEBHOOK_SECRET is not configured")
    try:
        payload = request.body
        stripe.stripe_signature_verify(payload=payload, header=request.headers.get(stripe.HEADER, ""),
                                       secret=secret, now=clock.now())
        parsed = stripe.stripe_event_parse(payload)
    except RequestDataTooBig:
        return _error(413, "too_large", "the body is too large")
    except SignatureError as error:
        return _error(400, "invalid_signature", str(error))
    except PayloadError as error:
        return _error(400, "invalid_payload", str(error))
    return _receive(request, provider=stripe.PROVIDER, payload=payload, parsed=parsed)


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> JsonResponse:
    webhook_id = _secret("PAYPAL_WEBHOOK_ID")
    if not webhook_id:
        return _error(503, "not_configured", "PAYPAL_WEBHOOK_ID is not configured")
    transmission_id = request.headers.get("PAYPAL-TRANSMISSION-ID", "")
    if len(transmission_id) > TRANSMISSION_ID_MAX:
        return _error(400, "invalid_signature", "PAYPAL-TRANSMISSION-ID is too long")
    try:
        payload = request.body
        paypal.paypal_signature_verify(payload=payload, headers=request.headers, webhook_id=webhook_id,
                                       now=clock.now())
        parsed = paypal.paypal_event_parse(payload)
    except RequestDataTooBig:
        return _error(413, "too_large", "the body is too large")
    except SignatureError as error:
        return _error(400, "invalid_signature", str(error))
    except PayloadError as error:
        return _error(400, "invalid_payload", str(error))
    return _receive(request, provider=paypal.PROVIDER, payload=payload, parsed=parsed,
                    transmission_id=transmission_id)


def _receive(request: HttpRequest, *, provider: str, payload: bytes, parsed: ParsedEvent,
             transmission_id: str = "") -> JsonResponse:
    headers = {name: request.headers[name][:500] for name in KEPT_HEADERS if name in request.headers}
    receipt = EventReceipt(provider=provider, external_id=parsed.external_id, event_type=parsed.event_type,
                           body=payload.decode("utf-8"), headers=headers)
    actor = Actor("psp", provider)
    with transaction.atomic():
        if transmission_id and not inbound_delivery_record(receipt=DeliveryReceipt(
                provider=provider, transmission_id=transmission_id, body_sha256=hashlib.sha256(payload).hexdigest(),
                external_id=parsed.external_id)):
            logger.warning("%s transmission %s came again with another body: refused", provider, transmission_id)
            return _error(400, "transmission_reused", "this transmission id was received before with another body")
        event, created = inbound_event_record(receipt=receipt)
        if not created:
            return JsonResponse({"status": "duplicate", "event": event.external_id,
                                 "reason": f"received before ({event.status}): nothing changed"})
        status, reason, order_number, payment_id = _process(parsed, actor=actor)
        inbound_event_settle(event=event, status=status, reason=reason, order_number=order_number,
                             payment_external_id=payment_id, actor=actor)
    return JsonResponse({"status": status, "event": event.external_id, "reason": reason, "order": order_number})


def _process(parsed: ParsedEvent, *, actor: Actor) -> tuple[str, str, str, str]:
    """(status, reason, order number, payment external id) of one stored event."""
    if parsed.payment is None:
        status = InboundEventStatus.PARKED if parsed.parked else InboundEventStatus.IGNORED
        return status, parsed.parked or parsed.ignored, "", ""
    try:
        outcome = psp_payment_received(payment=parsed.payment, actor=actor)
    except DomainError as error:  # the flow rolled back to its savepoint; the event waits for a person
        logger.warning("PSP payment %s parked: %s", parsed.payment.external_id, error)
        return InboundEventStatus.PARKED, f"not booked: {error.message}", "", parsed.payment.external_id
    status = InboundEventStatus.PARKED if outcome.status == PARKED else InboundEventStatus.PROCESSED
    return status, outcome.reason, outcome.order_number, parsed.payment.external_id
