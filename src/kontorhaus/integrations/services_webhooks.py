"""Outgoing webhooks: endpoints, and events queued as delivery rows in the business transaction
(with their send task), so an event commits or vanishes with the stock change that caused it.

Event `article.availability_changed` (from inventory's threshold check), body:
    {"id": "<delivery uuid>", "type": "article.availability_changed", "created_at": "<ISO 8601 UTC>",
     "data": {"sku": "MUG", "available": 2, "status": "low", "previous_status": "available",
              "reorder_point": 3}}
status: "sold_out" (nothing available), "low" (at or below the reorder point), "available".
Signature headers: services_webhooks_send."""

import datetime as dt
import json
import logging
import re

from django.conf import settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.tasks import enqueue_in_transaction
from kontorhaus.core.transactions import operation
from kontorhaus.inventory.services_availability import AvailabilityChange

from .models_webhooks import EVENT_AVAILABILITY_CHANGED, WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from .models_webhooks import WebhookDeliveryStatus as S
from .tasks_webhooks import webhook_deliver_task

logger = logging.getLogger(__name__)
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
SECRET_MIN_LENGTH = 16
SWEEP_GRACE = dt.timedelta(minutes=2)


@operation
def webhook_endpoint_save(*, endpoint: WebhookEndpoint | None, name: str, url: str, secret: str,  # noqa: PLR0913
                          events: list[str], active: bool, actor: Actor) -> WebhookEndpoint:
    """Create (endpoint None) or change an endpoint. An empty secret keeps the stored one."""
    if not name.strip():
        raise InvalidInput("an endpoint needs a name", details={"field": "name"})
    if not _URL.match(url or "") or len(url) > 500:
        raise InvalidInput("the URL starts with http:// or https://", details={"field": "url"})
    if endpoint is None and not secret or secret and len(secret) < SECRET_MIN_LENGTH:
        raise InvalidInput(f"the secret has at least {SECRET_MIN_LENGTH} characters", details={"field": "secret"})
    if not events or any(e not in WEBHOOK_EVENTS for e in events):
        raise InvalidInput("choose the events to send", details={"field": "events"})
    if endpoint is None:
        endpoint = WebhookEndpoint.objects.create(name=name.strip()[:100], url=url, secret=secret,
                                                  events=sorted(set(events)), active=active)
    else:
        fields = {"name": name.strip()[:100], "url": url, "events": sorted(set(events)), "active": active}
        if secret:
            fields["secret"] = secret
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(**fields)
        endpoint.refresh_from_db()
    record(action=AuditAction.INTEGRATIONS_WEBHOOK_ENDPOINT_SAVED, obj=endpoint, actor=actor,
           data={"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "active": active,
                 "secret_changed": bool(secret)})
    return endpoint


@operation
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor) -> None:
    """Gone with its deliveries (sent ones are history of the receiver's, not ours)."""
    record(action=AuditAction.INTEGRATIONS_WEBHOOK_ENDPOINT_SAVED, obj=endpoint, actor=actor,
           data={"name": endpoint.name, "url": endpoint.url, "deleted": True})
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


def webhook_event_queue(*, event_type: str, data: dict) -> list[WebhookDelivery]:
    """A delivery row and its task for every active endpoint that wants the event; inside the
    caller's transaction (enqueue_in_transaction refuses otherwise)."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if event_type in (e.events or [])]
    deliveries = []
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint=endpoint, event_type=event_type)
        delivery.body = json.dumps({"id": str(delivery.public_id), "type": event_type,
                                    "created_at": clock.now().astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                                    "data": data}, separators=(",", ":"), sort_keys=True)
        deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        enqueue_in_transaction(webhook_deliver_task, str(delivery.public_id))
    return deliveries


def webhooks_availability_changed(change: AvailabilityChange) -> None:
    """inventory's availability listener: tell the shop(s)."""
    webhook_event_queue(event_type=EVENT_AVAILABILITY_CHANGED, data={
        "sku": change.sku, "available": max(change.available, 0), "status": change.status,
        "previous_status": change.previous_status, "reorder_point": change.reorder_point,
    })


def _waiting() -> set[str]:
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=webhook_deliver_task.module_path)
    return {str(kw["args"][0]) for kw in rows.values_list("args_kwargs", flat=True) if kw.get("args")}


@operation
def webhook_sweep() -> int:
    """Re-queue deliveries whose task was lost: "sending" past the lease (the worker died
    mid-call; the receiver may get it twice and drops the repeat by its id) and "queued", due
    for a while, with no task waiting. Returns how many tasks were queued."""
    now = clock.now()
    lease = dt.timedelta(seconds=int(settings.KONTORHAUS.get("WEBHOOK_SENDING_LEASE_SECONDS", 120)))
    stale = list(WebhookDelivery.objects.filter(status=S.SENDING, sending_started_at__lt=now - lease)
                 .values_list("public_id", flat=True))
    WebhookDelivery.objects.filter(public_id__in=stale, status=S.SENDING).update(
        status=S.QUEUED, next_attempt_at=now, last_error="worker lost while sending; re-queued by the sweep")
    waiting = _waiting()
    due = WebhookDelivery.objects.filter(status=S.QUEUED, next_attempt_at__lte=now - SWEEP_GRACE)
    overdue = [i for i in due.values_list("public_id", flat=True) if str(i) not in waiting]
    due_new = WebhookDelivery.objects.filter(status=S.QUEUED, next_attempt_at__isnull=True,
                                             created_at__lte=now - SWEEP_GRACE)
    overdue += [i for i in due_new.values_list("public_id", flat=True) if str(i) not in waiting]
    WebhookDelivery.objects.filter(public_id__in=overdue, status=S.QUEUED).update(next_attempt_at=now)
    for public_id in [*stale, *overdue]:
        enqueue_in_transaction(webhook_deliver_task, str(public_id))
    if stale or overdue:
        logger.info("webhook sweep: %s stale, %s overdue deliveries re-enqueued", len(stale), len(overdue))
    return len(stale) + len(overdue)
