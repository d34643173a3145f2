"""Reads of parcels and their tracking: the customer's view of an order's parcels (the portal's
tracking page), the back office's timeline of a shipment, open alerts, and what is due for a
tracking refresh."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q

from .carriers.base import TrackingStatus
from .carriers.manual import carrier_name, tracking_link
from .models_carriers import CarrierAccount, TrackingAlert, TrackingEvent
from .models_shipping import Parcel, Shipment
from .states_picking import ShipmentStatus


@dataclass(frozen=True)
class TrackingEventView:
    occurred_at: dt.datetime
    status: str  # a TrackingStatus value, or "unknown"
    text: str
    location: str


@dataclass(frozen=True)
class ParcelTracking:
    """One parcel as the customer may see it: no internal notes, no alerts, no label."""

    shipment_number: str
    position: int
    carrier_name: str
    tracking_number: str
    tracking_url: str
    # label_created / in_transit / out_for_delivery / delivered / exception / returned;
    # "" while the parcel is packed but has no tracking number yet.
    status: str
    status_text: str
    last_event_at: dt.datetime | None
    events: tuple[TrackingEventView, ...]  # newest first


def parcel_status(parcel: Parcel) -> str:
    if parcel.tracking_status in TrackingStatus.ALL:
        return parcel.tracking_status
    return TrackingStatus.LABEL_CREATED if parcel.tracking_number else ""


def parcel_carrier_name(parcel: Parcel) -> str:
    if parcel.tracking_carrier:
        return carrier_name(parcel.tracking_carrier)
    account = parcel.shipment.carrier_account
    return account.name if account else parcel.shipment.carrier


def _events_prefetch() -> Prefetch:
    return Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id"))


def parcel_tracking(parcel: Parcel) -> ParcelTracking:
    return ParcelTracking(
        shipment_number=parcel.shipment.number, position=parcel.position, carrier_name=parcel_carrier_name(parcel),
        tracking_number=parcel.tracking_number,
        tracking_url=tracking_link(parcel.tracking_carrier, parcel.tracking_number),
        status=parcel_status(parcel), status_text=parcel.last_event_text, last_event_at=parcel.last_event_at,
        events=tuple(TrackingEventView(occurred_at=e.occurred_at, status=e.status, text=e.text, location=e.location)
                     for e in parcel.tracking_events.all()),
    )


def order_tracking(*, order_number: str) -> list[ParcelTracking]:
    """Every parcel of the order's shipments (oldest shipment first), with its timeline."""
    parcels = (Parcel.objects.filter(shipment__order_number=order_number)
               .select_related("shipment", "shipment__carrier_account").prefetch_related(_events_prefetch())
               .order_by("shipment__packed_at", "shipment__id", "position"))
    return [parcel_tracking(parcel) for parcel in parcels]


def shipment_tracking(*, shipment: Shipment) -> list[ParcelTracking]:
    parcels = (Parcel.objects.filter(shipment=shipment).select_related("shipment", "shipment__carrier_account")
               .prefetch_related(_events_prefetch()).order_by("position"))
    return [parcel_tracking(parcel) for parcel in parcels]


def parcel_of_account(*, tracking_number: str, account: CarrierAccount) -> Parcel | None:
    """The parcel with this number that `account` speaks for: booked through it, or, typed in
    without an account, one of its carrier. One at most (unique per carrier and number)."""
    ours = Q(shipment__carrier_account=account) | Q(shipment__carrier_account__isnull=True,
                                                     tracking_carrier=account.tracking_carrier)
    return (Parcel.objects.filter(ours, tracking_number=tracking_number).select_related("shipment")
            .order_by("pk").first())


def parcels_to_track(*, checked_before: dt.datetime, limit: int = 500) -> list[Parcel]:
    """Parcels on their way with a carrier we can ask: booked or handed over, not delivered or
    returned yet, not checked since `checked_before`; the longest unchecked first. DHL parcels
    whose number was typed in (no carrier account) count too: any DHL account can ask for them."""
    askable = (Q(shipment__carrier_account__kind="dhl_parcel_de", shipment__carrier_account__active=True)
               | Q(shipment__carrier_account__isnull=True, tracking_carrier="dhl"))
    return list(
        Parcel.objects.filter(askable, shipment__status__in=[ShipmentStatus.BOOKED, ShipmentStatus.SHIPPED])
        .exclude(tracking_number="")
        .exclude(tracking_status__in=[TrackingStatus.DELIVERED, TrackingStatus.RETURNED])
        .filter(Q(tracking_checked_at__isnull=True) | Q(tracking_checked_at__lt=checked_before))
        .select_related("shipment", "shipment__carrier_account")
        .order_by(F("tracking_checked_at").asc(nulls_first=True), "pk")[:limit]
    )


def parcels_without_movement(*, since: dt.datetime) -> list[Parcel]:
    """Shipped parcels whose newest event (or hand-over, without events) is older than `since`."""
    stale = Q(last_event_at__lt=since) | Q(last_event_at__isnull=True, shipment__shipped_at__lt=since)
    return list(
        Parcel.objects.filter(stale, shipment__status=ShipmentStatus.SHIPPED)
        .exclude(tracking_number="")
        .exclude(tracking_status__in=[TrackingStatus.DELIVERED, TrackingStatus.RETURNED])
        .select_related("shipment")
    )


def tracking_alert_list(*, open_only: bool = True, order_number: str = "") -> list[TrackingAlert]:
    alerts = TrackingAlert.objects.select_related("parcel", "parcel__shipment")
    if open_only:
        alerts = alerts.filter(resolved_at__isnull=True)
    if order_number:
        alerts = alerts.filter(order_number=order_number)
    return list(alerts.order_by("-raised_at", "-id")[:500])
