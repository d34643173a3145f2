"""Writes of inbound events (the only module that writes this app's table)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.transactions import operation

from .models import InboundDelivery, InboundEvent, InboundEventStatus

REASON_MAX = 300
_ACTIONS = {
    InboundEventStatus.PROCESSED: AuditAction.INTEGRATIONS_INBOUND_EVENT_PROCESSED,
    InboundEventStatus.PARKED: AuditAction.INTEGRATIONS_INBOUND_EVENT_PARKED,
    InboundEventStatus.IGNORED: AuditAction.INTEGRATIONS_INBOUND_EVENT_IGNORED,
}


@dataclass(frozen=True)
class EventReceipt:
    """A verified delivery: what the sender says it is, and the exact bytes it signed."""

    provider: str
    external_id: str
    event_type: str
    body: str
    headers: dict[str, str]


@operation
def inbound_event_record(*, receipt: EventReceipt) -> tuple[InboundEvent, bool]:
    """Store a delivery once per (provider, event id). Returns (event, created); a repeated
    delivery — also one arriving while the first is still being processed — gets the stored
    event and `created=False`."""
    existing = InboundEvent.objects.filter(provider=receipt.provider, external_id=receipt.external_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(
                provider=receipt.provider, external_id=receipt.external_id, event_type=receipt.event_type[:100],
                body=receipt.body, headers=receipt.headers,
            )
    except IntegrityError:
        # The same delivery arrived at the same moment and committed first.
        existing = InboundEvent.objects.filter(provider=receipt.provider, external_id=receipt.external_id).first()
        if existing is None:
            raise
        return existing, False
    return event, True


@dataclass(frozen=True)
class DeliveryReceipt:
    """A verified delivery by its transmission: who sent it, its id, and what body it carried."""

    provider: str
    transmission_id: str
    body_sha256: str
    external_id: str


def _stored_body_sha256(receipt: DeliveryReceipt) -> str | None:
    return InboundDelivery.objects.filter(provider=receipt.provider, transmission_id=receipt.transmission_id
                                          ).values_list("body_sha256", flat=True).first()


@operation
def inbound_delivery_record(*, receipt: DeliveryReceipt) -> bool:
    """Store the transmission once per (provider, transmission id). True when it is new or a
    repeat of the same body; False when the transmission id came before with ANOTHER body (a
    signature lifted from one delivery onto a forged body): the caller refuses it."""
    stored = _stored_body_sha256(receipt)
    if stored is None:
        try:
            with transaction.atomic():
                InboundDelivery.objects.create(provider=receipt.provider, transmission_id=receipt.transmission_id,
                                               body_sha256=receipt.body_sha256, external_id=receipt.external_id)
            return True
        except IntegrityError:  # the same transmission arrived at the same moment and committed first
            stored = _stored_body_sha256(receipt)
    return stored == receipt.body_sha256


@operation
def inbound_event_settle(*, event: InboundEvent, status: str, reason: str, order_number: str = "",
                         payment_external_id: str = "", actor: Actor) -> InboundEvent:
    """Record what processing decided: processed, parked (with the reason a person acts on) or
    ignored; one audit event, on the order's timeline when an order is known."""
    event.status, event.reason, event.processed_at = status, reason[:REASON_MAX], clock.now()
    event.order_number, event.payment_external_id = order_number, payment_external_id
    event.save(update_fields=["status", "reason", "processed_at", "order_number", "payment_external_id"])
    record(action=_ACTIONS[InboundEventStatus(status)], obj=event, actor=actor, order_number=order_number,
           data={"provider": event.provider, "event": event.external_id, "type": event.event_type,
                 "reason": event.reason, "payment": payment_external_id})
    return event
