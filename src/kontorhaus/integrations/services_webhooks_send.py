"""Carrying out one webhook delivery: claim the row, POST outside any transaction, record the
outcome; a failure is retried with growing pauses (core.tasks.backoff) until
WEBHOOK_MAX_ATTEMPTS, then the delivery ends as failed (shown in the back office).

The signature: `X-Kontorhaus-Timestamp: <unix seconds>` and
`X-Kontorhaus-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>`.
The timestamp is signed with the body (as Stripe does) so a receiver can refuse an old delivery
replayed by someone who recorded it; receivers should accept about five minutes of clock skew
and compare in constant time. Every attempt signs anew with its own timestamp.
"""

import datetime as dt
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from kontorhaus.core import clock
from kontorhaus.core.audit import SYSTEM, AuditAction, record
from kontorhaus.core.tasks import backoff
from kontorhaus.core.webhook_signature import webhook_signature

from .models_webhooks import WebhookDelivery
from .models_webhooks import WebhookDeliveryStatus as S

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600  # 30 s, 1, 2, 4 ... minutes, at most an hour
USER_AGENT = "Kontorhaus-Webhooks/1"




def _setting(name: str, default: int) -> int:
    return int(settings.KONTORHAUS.get(name, default))


def _move(delivery_id: Any, *, frm: str, to: str, extra: Q | None = None, **fields: Any) -> bool:
    rows = WebhookDelivery.objects.filter(public_id=delivery_id, status=frm)
    if extra is not None:
        rows = rows.filter(extra)
    return rows.update(status=to, **fields) == 1


def _post(delivery: WebhookDelivery) -> int:
    """POST the body; returns the HTTP status (network trouble raises OSError)."""
    body = delivery.body.encode()
    timestamp = int(clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Kontorhaus-Event": delivery.event_type,
        "X-Kontorhaus-Delivery": str(delivery.public_id),
        "X-Kontorhaus-Timestamp": str(timestamp),
        "X-Kontorhaus-Signature": webhook_signature(secret=delivery.endpoint.secret, timestamp=timestamp, body=body),
    }
    request = urllib.request.Request(delivery.endpoint.url, data=body, headers=headers,  # noqa: S310 - configured URL
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=_setting("WEBHOOK_TIMEOUT_SECONDS", 10)) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def webhook_deliver(*, delivery_id: str) -> dt.datetime | None:
    """Send one queued, due delivery. Returns when to try again after a failure, else None.
    Never raises for delivery problems: they are recorded on the row."""
    now = clock.now()
    with transaction.atomic():
        claimed = _move(delivery_id, frm=S.QUEUED, to=S.SENDING,
                        extra=Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                        attempts=F("attempts") + 1, sending_started_at=now, next_attempt_at=None)
    if not claimed:
        return None  # delivered, failed, being sent, or not due yet (a repeated task)
    delivery = WebhookDelivery.objects.select_related("endpoint").get(public_id=delivery_id)
    if not delivery.endpoint.active:
        _move(delivery_id, frm=S.SENDING, to=S.FAILED, last_error="endpoint deactivated")
        return None
    try:
        status = _post(delivery)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        status, error = None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    if not error:
        _move(delivery_id, frm=S.SENDING, to=S.DELIVERED, delivered_at=clock.now(), last_status_code=status,
              last_error="")
        return None
    logger.warning("webhook %s to %s failed (attempt %s): %s", delivery_id, delivery.endpoint.url,
                   delivery.attempts, error)
    return _record_failure(delivery, status, error)


def _record_failure(delivery: WebhookDelivery, status: int | None, error: str) -> dt.datetime | None:
    with transaction.atomic():
        if delivery.attempts >= _setting("WEBHOOK_MAX_ATTEMPTS", 8):
            if _move(delivery.public_id, frm=S.SENDING, to=S.FAILED, last_status_code=status, last_error=error[:300]):
                record(action=AuditAction.INTEGRATIONS_WEBHOOK_DELIVERY_FAILED, obj=delivery.endpoint, actor=SYSTEM,
                       data={"delivery": str(delivery.public_id), "event": delivery.event_type,
                             "attempts": delivery.attempts, "error": error[:300]})
            return None
        retry_at = clock.now() + backoff(delivery.attempts, base_seconds=BACKOFF_BASE_SECONDS,
                                         max_seconds=BACKOFF_MAX_SECONDS)
        moved = _move(delivery.public_id, frm=S.SENDING, to=S.QUEUED, last_status_code=status,
                      last_error=error[:300], next_attempt_at=retry_at)
    return retry_at if moved else None
