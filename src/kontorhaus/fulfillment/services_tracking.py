"""Writes of tracking (STYLE 4): a parcel's events (duplicates ignored), its derived status,
the shipment delivered or returned, and the alerts a person has to look at."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidTransition
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation

from .carriers.base import TrackingEvent as CarrierEvent
from .carriers.base import TrackingStatus
from .models_carriers import TrackingAlert, TrackingEvent
from .models_shipping import Parcel, Shipment
from .states_picking import SHIPMENT_TRANSITIONS, ShipmentStatus

TEXT_MAX, LOCATION_MAX = 300, 200


@dataclass(frozen=True)
class EventsRecorded:
    new: list[CarrierEvent]  # the events not seen before, oldest first
    status_before: str
    status: str


def _status_from(parcel: Parcel) -> tuple[str, str, object]:
    """The newest event with a known status decides the parcel's status."""
    newest = (TrackingEvent.objects.filter(parcel=parcel).exclude(status=TrackingStatus.UNKNOWN)
              .order_by("-occurred_at", "-id").first())
    if newest is None:
        return parcel.tracking_status, parcel.last_event_text, parcel.last_event_at
    return newest.status, newest.text, newest.occurred_at


@operation
def parcel_events_record(*, parcel: Parcel, events: Iterable[CarrierEvent], source: str) -> EventsRecorded:
    """Store the events the parcel does not have yet and derive its status from the newest."""
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    events = sorted(events, key=lambda e: e.occurred_at)
    known = set(TrackingEvent.objects.filter(parcel=parcel).values_list("occurred_at", "code"))
    new = []
    for event in events:
        key = (event.occurred_at, event.code[:40])
        if key in known:
            continue
        known.add(key)
        try:
            with transaction.atomic():  # a webhook storing the same event right now: the other one wins
                TrackingEvent.objects.create(parcel=parcel, occurred_at=event.occurred_at, status=event.status,
                                             code=event.code[:40], text=event.text[:TEXT_MAX],
                                             location=event.location[:LOCATION_MAX], problem=event.problem[:16],
                                             source=source)
        except IntegrityError:
            continue
        new.append(event)
    before = parcel.tracking_status
    parcel.tracking_status, parcel.last_event_text, parcel.last_event_at = _status_from(parcel)
    parcel.tracking_checked_at = clock.now()
    parcel.save(update_fields=["tracking_status", "last_event_text", "last_event_at", "tracking_checked_at"])
    if parcel.tracking_status != before:
        record(action=AuditAction.FULFILLMENT_PARCEL_STATUS_CHANGED, obj=parcel.shipment, actor=_carrier(source),
               order_number=parcel.shipment.order_number,
               data={"parcel": parcel.position, "tracking_number": parcel.tracking_number, "from": before,
                     "to": parcel.tracking_status, "text": parcel.last_event_text})
    return EventsRecorded(new=new, status_before=before, status=parcel.tracking_status)


def _carrier(source: str) -> Actor:
    return Actor("carrier", f"tracking-{source}")


@operation
def parcel_checked(*, parcel: Parcel) -> None:
    """Asked the carrier (and got nothing new or no answer): not asked again before the next round."""
    Parcel.objects.filter(pk=parcel.pk).update(tracking_checked_at=clock.now())


def _shipment_move(shipment: Shipment, to: str, action: AuditAction, actor: Actor, stamp: str) -> Shipment:
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status == to:
        return shipment
    if shipment.status != ShipmentStatus.SHIPPED:
        raise InvalidTransition(f"shipment {shipment.number} is {shipment.status}, not shipped",
                                details={"field": "shipment", "from": shipment.status, "to": to})
    fields = transition(shipment, to=to, table=SHIPMENT_TRANSITIONS, action=action, actor=actor,
                        order_number=shipment.order_number)
    setattr(shipment, stamp, clock.now())
    shipment.save(update_fields=[*fields, stamp])
    return shipment


@operation
def shipment_deliver(*, shipment: Shipment, actor: Actor) -> Shipment:
    """Every parcel of the shipped shipment is delivered."""
    return _shipment_move(shipment, ShipmentStatus.DELIVERED, AuditAction.FULFILLMENT_SHIPMENT_DELIVERED, actor,
                          "delivered_at")


@operation
def shipment_return(*, shipment: Shipment, actor: Actor) -> Shipment:
    """The carrier brought a parcel back to us undelivered."""
    return _shipment_move(shipment, ShipmentStatus.RETURNED, AuditAction.FULFILLMENT_SHIPMENT_RETURNED, actor,
                          "returned_at")


@operation
def tracking_alert_raise(*, parcel: Parcel, kind: str, message: str, actor: Actor) -> TrackingAlert | None:
    """An alert for the back office; None when one of this kind is open for the parcel already."""
    if TrackingAlert.objects.filter(parcel=parcel, kind=kind, resolved_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            alert = TrackingAlert.objects.create(parcel=parcel, order_number=parcel.shipment.order_number, kind=kind,
                                                 message=message[:300])
    except IntegrityError:
        return None
    record(action=AuditAction.FULFILLMENT_TRACKING_ALERT_RAISED, obj=parcel.shipment, actor=actor,
           order_number=alert.order_number,
           data={"parcel": parcel.position, "kind": kind, "message": alert.message})
    return alert


@operation
def tracking_alert_customer_notified(*, alert: TrackingAlert) -> None:
    TrackingAlert.objects.filter(pk=alert.pk).update(customer_notified_at=clock.now())


@operation
def tracking_alert_resolve(*, alert: TrackingAlert, actor: Actor) -> TrackingAlert:
    alert = TrackingAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at is not None:
        return alert
    alert.resolved_at, alert.resolved_by = clock.now(), str(actor)
    alert.save(update_fields=["resolved_at", "resolved_by"])
    record(action=AuditAction.FULFILLMENT_TRACKING_ALERT_RESOLVED, obj=alert.parcel.shipment, actor=actor,
           order_number=alert.order_number, data={"kind": alert.kind})
    return alert
