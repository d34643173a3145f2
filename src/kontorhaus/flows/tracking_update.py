"""Tracking update: what the carrier says about a parcel, and what follows from it.

Events come from the periodic fetch (`tracking_refresh`, run by the worker's sweep and by
`kontorhaus tracking refresh`) or pushed by the carrier's webhook; either way, in one
transaction: the events the parcel does not have yet are stored (the same event twice is
ignored) -> the parcel's status follows the newest -> a parcel moving although the packer never
pressed "handed over" hands the shipment over (the carrier has it) -> every parcel delivered:
the shipment is delivered and sales counts its units delivered, so the order's derived
fulfillment state becomes "delivered" (with a timeline event) -> a parcel returned to sender,
damaged or with an address problem raises an alert in the back office and, if the shop wants
it (KONTORHAUS["TRACKING_DELAY_NOTICE"]), tells the customer before they have to ask.

A parcel without any movement for TRACKING_STALE_DAYS days raises the same kind of alert."""

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from kontorhaus.core import clock
from kontorhaus.core.audit import SYSTEM, Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.core.transactions import flow
from kontorhaus.fulfillment.carriers.base import CarrierError, CarrierErrorKind, TrackingStatus
from kontorhaus.fulfillment.carriers.base import TrackingEvent as CarrierEvent
from kontorhaus.fulfillment.carriers.manual import tracking_link, tracking_number_clean
from kontorhaus.fulfillment.carriers.registry import adapter_for
from kontorhaus.fulfillment.models import (
    CarrierAccount,
    Parcel,
    Shipment,
    TrackingAlert,
    TrackingAlertKind,
    TrackingEventSource,
)
from kontorhaus.fulfillment.selectors_carriers import tracking_carrier_account
from kontorhaus.fulfillment.selectors_tracking import parcel_of_account, parcels_to_track, parcels_without_movement
from kontorhaus.fulfillment.services_carriers import carrier_config
from kontorhaus.fulfillment.services_tracking import (
    EventsRecorded,
    parcel_checked,
    parcel_events_record,
    shipment_deliver,
    shipment_return,
    tracking_alert_customer_notified,
    tracking_alert_raise,
)
from kontorhaus.fulfillment.states_picking import ShipmentStatus
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.sales.selectors import order_get
from kontorhaus.sales.services_fulfillment import order_lines_carrier_delivered

from .pack_and_ship import shipment_handed_over

logger = logging.getLogger(__name__)
CARRIER = Actor("carrier", "tracking")
MOVING = {TrackingStatus.IN_TRANSIT, TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.DELIVERED,
          TrackingStatus.EXCEPTION, TrackingStatus.RETURNED}
PROBLEM_TEXTS = {
    TrackingAlertKind.RETURNED: "the carrier is sending the parcel back to us",
    TrackingAlertKind.DAMAGED: "the carrier reports the parcel damaged",
    TrackingAlertKind.ADDRESS: "the carrier cannot deliver to the address",
    TrackingAlertKind.FAILURE: "the carrier reports a delivery problem",
    TrackingAlertKind.STALE: "the parcel has not moved for {days} days",
}
CUSTOMER_REASONS = {
    "de": {TrackingAlertKind.RETURNED: "Der Paketdienst schickt das Paket an uns zurück.",
           TrackingAlertKind.DAMAGED: "Der Paketdienst meldet eine Beschädigung.",
           TrackingAlertKind.ADDRESS: "Der Paketdienst konnte die Adresse nicht anfahren.",
           TrackingAlertKind.FAILURE: "Der Paketdienst meldet ein Zustellproblem.",
           TrackingAlertKind.STALE: "Das Paket wurde seit einigen Tagen nicht mehr gescannt."},
    "en": {TrackingAlertKind.RETURNED: "The carrier is sending the parcel back to us.",
           TrackingAlertKind.DAMAGED: "The carrier reports the parcel damaged.",
           TrackingAlertKind.ADDRESS: "The carrier could not deliver to the address.",
           TrackingAlertKind.FAILURE: "The carrier reports a delivery problem.",
           TrackingAlertKind.STALE: "The parcel has not been scanned for a few days."},
}


def _setting(name: str, *, default: object) -> object:
    return settings.KONTORHAUS.get(name, default)


@flow
def tracking_events_received(*, parcel: Parcel, events: Iterable[CarrierEvent], source: str,
                             actor: Actor = CARRIER) -> EventsRecorded:
    recorded = parcel_events_record(parcel=parcel, events=events, source=source)
    shipment = Shipment.objects.get(pk=parcel.shipment_id)
    if recorded.status in MOVING and shipment.status in (ShipmentStatus.PACKED, ShipmentStatus.BOOKED):
        shipment = shipment_handed_over(shipment=shipment, actor=actor)
    if recorded.status == TrackingStatus.DELIVERED and shipment.status == ShipmentStatus.SHIPPED:
        _delivered_if_complete(shipment, actor)
    if recorded.status == TrackingStatus.RETURNED and shipment.status == ShipmentStatus.SHIPPED:
        shipment_return(shipment=shipment, actor=actor)
    for event in recorded.new:
        if event.status in (TrackingStatus.EXCEPTION, TrackingStatus.RETURNED):
            kind = event.problem if event.problem in TrackingAlertKind.values else TrackingAlertKind.FAILURE
            _alert(parcel, kind, f"{PROBLEM_TEXTS[kind]}: {event.text}".rstrip(": "), actor)
    return recorded


def _delivered_if_complete(shipment: Shipment, actor: Actor) -> None:
    parcels = list(Parcel.objects.filter(shipment=shipment))
    if any(p.tracking_status != TrackingStatus.DELIVERED for p in parcels):
        return
    shipment_deliver(shipment=shipment, actor=actor)
    quantities: dict[int, int] = defaultdict(int)
    for line in shipment.lines.all():
        quantities[line.line_position] += line.quantity
    order_lines_carrier_delivered(order=order_get(number=shipment.order_number), quantities=dict(quantities),
                                  actor=actor)


def _alert(parcel: Parcel, kind: str, message: str, actor: Actor) -> TrackingAlert | None:
    alert = tracking_alert_raise(parcel=parcel, kind=kind, message=message, actor=actor)
    if alert is not None and _setting("TRACKING_DELAY_NOTICE", default=False):
        _delay_notice(parcel, alert)
    return alert


def _delay_notice(parcel: Parcel, alert: TrackingAlert) -> None:
    order = order_get(number=parcel.shipment.order_number)
    if not order.customer_email:
        return
    language = order.language if order.language in CUSTOMER_REASONS else "en"
    email_enqueue(
        template=EmailTemplate.SHIPMENT_DELAYED, to=order.customer_email, language=order.language,
        context={"shop_name": company_profile_name(), "order_number": order.number,
                 "customer_name": order.customer_name, "tracking_number": parcel.tracking_number,
                 "url": tracking_link(parcel.tracking_carrier, parcel.tracking_number),
                 "reason": CUSTOMER_REASONS[language][alert.kind]},
        related_type="fulfillment.shipment", related_ref=parcel.shipment.number, order_number=order.number,
    )
    tracking_alert_customer_notified(alert=alert)


@dataclass(frozen=True)
class RefreshResult:
    checked: int
    new_events: int
    failed: int
    stale_alerts: int


def tracking_refresh(*, limit: int = 500, now: dt.datetime | None = None) -> RefreshResult:
    """Ask the carriers about every parcel on its way not asked in the last
    TRACKING_REFRESH_MINUTES (each call outside any transaction, each answer recorded in one),
    then raise "no movement" alerts. One parcel's problem (carrier or data) is logged and the
    parcel marked checked, so it does not stop the round nor come first again. An account that
    does not answer (or refuses our key) is left alone for the rest of the round: its other
    parcels are asked next round, instead of each waiting for the timeout (the worker running
    this also sends the e-mails)."""
    now = now or clock.now()
    interval = dt.timedelta(minutes=int(_setting("TRACKING_REFRESH_MINUTES", default=60)))
    checked = new = failed = 0
    adapters: dict[int, object | None] = {}  # account -> adapter (credentials decrypted once); None: skip
    fallback = tracking_carrier_account()  # for DHL numbers typed in without an account
    for parcel in parcels_to_track(checked_before=now - interval, limit=limit):
        account = parcel.shipment.carrier_account or fallback
        if account is None:
            parcel_checked(parcel=parcel)
            continue
        if account.pk not in adapters:
            adapters[account.pk] = _tracking_adapter(account)
        adapter = adapters[account.pk]
        if adapter is None:
            continue
        outcome = _track_one(parcel, adapter)
        if outcome is None:
            failed += 1
            continue
        if outcome == _STOP:
            failed += 1
            adapters[account.pk] = None
            logger.warning("tracking: %s does not answer; its other parcels wait for the next round", account.code)
            continue
        checked += 1
        new += outcome
    return RefreshResult(checked=checked, new_events=new, failed=failed, stale_alerts=tracking_stale_check(now=now))


_STOP = -1
STOP_ROUND = (CarrierErrorKind.UNAVAILABLE, CarrierErrorKind.UNKNOWN, CarrierErrorKind.AUTH)


def _tracking_adapter(account: CarrierAccount) -> object | None:
    try:
        return adapter_for(carrier_config(account))
    except DomainError as error:  # credentials unreadable (the secret key changed)
        logger.warning("tracking with %s is not possible: %s", account.code, error.message)
        return None


def _track_one(parcel: Parcel, adapter) -> int | None:
    """The number of new events; None when this parcel failed; _STOP when the carrier did not
    answer at all. The parcel is marked checked either way, except its events were recorded."""
    try:
        events = adapter.track(parcel.tracking_number)
        if events:
            return len(tracking_events_received(parcel=parcel, events=events, source="poll").new)
    except CarrierError as error:
        logger.warning("tracking %s failed: %s", parcel.tracking_number, error.message)
        parcel_checked(parcel=parcel)
        return _STOP if error.kind in STOP_ROUND else None
    except Exception:  # noqa: BLE001 - one parcel's bad data must not stop the round
        logger.exception("tracking %s failed", parcel.tracking_number)
        parcel_checked(parcel=parcel)
        return None
    parcel_checked(parcel=parcel)
    return 0


def tracking_stale_check(*, now: dt.datetime) -> int:
    days = int(_setting("TRACKING_STALE_DAYS", default=4))
    raised = 0
    for parcel in parcels_without_movement(since=now - dt.timedelta(days=days)):
        if _stale_alert(parcel=parcel, days=days) is not None:
            raised += 1
    return raised


@flow
def _stale_alert(*, parcel: Parcel, days: int) -> TrackingAlert | None:
    message = PROBLEM_TEXTS[TrackingAlertKind.STALE].format(days=days)
    return _alert(parcel, TrackingAlertKind.STALE, message, SYSTEM)


def tracking_sweep() -> int:
    """The worker's periodic sweep (registered in WebConfig.ready): a bounded round, so a slow
    carrier delays the other sweeps by little; the rest waits for the next round."""
    result = tracking_refresh(limit=100)
    return result.new_events


@dataclass(frozen=True)
class PushedEvent:
    """One scan as a carrier pushes it to the webhook (shape already checked at the edge)."""

    tracking_number: str  # as the carrier prints it; cleaned here
    timestamp: dt.datetime  # aware
    status_code: str  # a TrackingStatus value or "unknown"
    description: str = ""
    location: str = ""
    problem: str = ""


@dataclass
class PushResult:
    recorded: int = 0
    duplicates: int = 0
    unknown_tracking_numbers: list[str] = field(default_factory=list)  # not a parcel of this account
    parcels: list[tuple[str, str]] = field(default_factory=list)  # (tracking number, status)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (tracking number, why): nothing stored


def _pushed(event: PushedEvent) -> CarrierEvent:
    text, location = (event.description or "").strip(), (event.location or "").strip()
    # The code is what makes an event the same event again (with parcel and time): the status
    # plus a digest of what the carrier said, so two different scans in the same second are
    # two events while a retried delivery is one.
    digest = hashlib.sha256(f"{text}\n{location}".encode()).hexdigest()[:8]
    problem = event.problem or ("returned" if event.status_code == TrackingStatus.RETURNED else "")
    return CarrierEvent(occurred_at=event.timestamp, status=event.status_code, code=f"{event.status_code}:{digest}",
                        text=text, location=location, problem=problem)


def tracking_events_pushed(*, account: CarrierAccount, events: Iterable[PushedEvent]) -> PushResult:
    """Scans a carrier pushed, signed with `account`'s webhook secret. The secret speaks only for
    that account's parcels: other numbers are listed as unknown (an aggregator may push other
    shops' parcels). Each parcel's events are one transaction (tracking_events_received), so a
    parcel that cannot take them, or a number that is no tracking number, is refused alone."""
    actor = Actor("carrier", f"webhook-{account.code}")
    result = PushResult()
    grouped: dict[str, list[CarrierEvent]] = defaultdict(list)
    for event in events:
        try:
            grouped[tracking_number_clean(event.tracking_number)].append(_pushed(event))
        except ValueError as error:
            if all(number != event.tracking_number for number, _why in result.refused):
                result.refused.append((event.tracking_number, str(error)))
    for number, parcel_events in grouped.items():
        parcel = parcel_of_account(tracking_number=number, account=account)
        if parcel is None:
            result.unknown_tracking_numbers.append(number)
            continue
        try:
            recorded = tracking_events_received(parcel=parcel, events=parcel_events,
                                                source=TrackingEventSource.WEBHOOK, actor=actor)
        except DomainError as error:  # rolled back whole; the carrier's retry would meet the same refusal
            result.refused.append((number, error.message))
            continue
        result.recorded += len(recorded.new)
        result.duplicates += len(parcel_events) - len(recorded.new)
        result.parcels.append((number, recorded.status))
    return result
