"""Book a shipment with its carrier: labels and tracking numbers for every parcel, and the
shipment e-mail to the customer.

The packer presses "Book" and the label should print right away, so booking runs in the
request, not the worker: the carrier call is made outside any database transaction (it may take
seconds and must not hold a lock), then its answer is recorded in one transaction together with
the shipment e-mail (with the tracking links and the delivery note). What can go wrong:

- the carrier refuses (invalid address, credentials, service down): nothing is recorded but the
  message on the shipment; the adapter has already cancelled parcels booked in the same call;
- the shipment was booked meanwhile (two clicks, two packers): the second booking is cancelled
  at the carrier and refused here, so one booking stands;
- it is booked already: refused before any carrier call (idempotent);
- the carrier booked but recording it failed (the database, the e-mail, a worker killed): the
  labels are cancelled at the carrier (best effort) and the failure, with the tracking numbers,
  is kept on the shipment in a transaction of its own, so no paid label goes unnoticed;
- the carrier did not answer in time, or a label it made could not be cancelled: the carrier
  may hold labels we do not know, so booking again is refused until a person has checked the
  carrier's portal and says so (`carrier_checked=True`).

Also here: cancelling a booking, booking many shipments (a pick run) at once, the return
label a customer prints from the portal for one return (`return_label_create`; scanning it finds
that return: `return_label_return_number`), and the settings page's
"Test connection" (`carrier_account_check`)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, InvalidInput, InvalidTransition
from kontorhaus.core.selectors import company_profile_get
from kontorhaus.core.transactions import flow
from kontorhaus.fulfillment.carriers.base import (
    BookingRequest,
    CarrierError,
    CarrierErrorKind,
    ParcelSpec,
    ReturnRequest,
)
from kontorhaus.fulfillment.carriers.registry import adapter_for
from kontorhaus.fulfillment.models import CarrierAccount, CarrierKind, CarrierReturnLabel, Parcel, Shipment
from kontorhaus.fulfillment.selectors_carriers import carrier_account_of, return_carrier_account
from kontorhaus.fulfillment.selectors_picking import shipment_get
from kontorhaus.fulfillment.services_booking import (
    booking_request,
    consignee_address,
    return_label_store,
    shipment_booking_cancel_record,
    shipment_booking_failed,
    shipment_booking_record,
    shipper_address,
)
from kontorhaus.fulfillment.services_carriers import carrier_config
from kontorhaus.fulfillment.states_picking import ShipmentStatus
from kontorhaus.returns.selectors import return_list_for_order
from kontorhaus.returns.states import ReturnStatus

from .shipment_confirmation import shipment_confirmation_enqueue

logger = logging.getLogger(__name__)


class CarrierRefused(DomainError):
    """The carrier did not book; `kind` says why (carriers.base.CarrierErrorKind)."""

    code = "carrier_refused"
    status = 422

    def __init__(self, message: str, *, kind: str):
        super().__init__(message, details={"field": "carrier", "kind": kind})
        self.kind = kind


class BookingNotRecorded(DomainError):
    """The carrier booked, but we could not record it; the message says what became of the labels."""

    code = "booking_not_recorded"
    status = 503


@dataclass(frozen=True)
class ReturnLabel:
    tracking_number: str
    label_pdf: bytes
    carrier_name: str = "DHL"


def _bookable_account(shipment: Shipment, *, carrier_checked: bool) -> CarrierAccount:
    if shipment.status != ShipmentStatus.PACKED:
        raise InvalidTransition(f"shipment {shipment.number} is {shipment.status}: it was booked already",
                                code="already_booked", details={"field": "shipment", "status": shipment.status})
    unconfirmed = Shipment.objects.filter(pk=shipment.pk, booking_unconfirmed=True).exists()  # not the page's copy
    if unconfirmed and not carrier_checked:
        raise InvalidTransition(f"an earlier booking of shipment {shipment.number} may have been made at the carrier "
                                f"without us knowing: look for order {shipment.order_number} in the carrier's "
                                "portal, delete any label found there, then book again confirming you checked",
                                code="booking_unconfirmed", details={"field": "shipment"})
    account = carrier_account_of(shipment)
    if account is None:
        raise InvalidInput(f"no carrier account books shipping method {shipment.carrier or '(none)'}: add one under "
                           "Settings → Carriers, or enter the tracking number by hand",
                           details={"field": "carrier", "reason": "no_account"})
    if account.kind != CarrierKind.DHL_PARCEL_DE or not account.active:
        raise InvalidInput(f"{account.name} is booked in the carrier's own software: enter or import the tracking "
                           "number", details={"field": "carrier", "reason": "manual"})
    return account


def shipment_book(*, shipment: Shipment, actor: Actor, carrier_checked: bool = False) -> Shipment:
    """Book every parcel of a packed shipment with its carrier; raises CarrierRefused (with the
    message also stored on the shipment) when the carrier does not book. `carrier_checked`: a
    person has looked in the carrier's portal after a booking whose outcome was unknown."""
    account = _bookable_account(shipment, carrier_checked=carrier_checked)
    profile = company_profile_get()
    shipper = shipper_address(profile)
    request = booking_request(shipment=shipment, shipper=shipper, ship_date=clock.today(),
                              return_address=shipper if account.returns_enabled else None)
    adapter = adapter_for(carrier_config(account))
    try:
        result = adapter.book(request)
    except CarrierError as error:
        shipment_booking_failed(shipment=shipment, message=error.message, kind=error.kind, actor=actor)
        raise CarrierRefused(error.message, kind=error.kind) from error
    try:
        return _booked(shipment=shipment, account=account, result=result, actor=actor)
    except Exception as error:  # noqa: BLE001 - any failure: DHL holds paid labels we have not recorded
        message = _not_recorded(shipment=shipment, adapter=adapter, result=result, error=error, actor=actor)
        if isinstance(error, DomainError):
            raise  # e.g. booked meanwhile by another packer: that refusal says it best
        raise BookingNotRecorded(message) from error


def _not_recorded(*, shipment: Shipment, adapter, result, error: Exception, actor: Actor) -> str:
    """Cancel the labels at the carrier (best effort) and keep what happened on the shipment, in
    a transaction of its own (the one that failed is gone)."""
    numbers = [p.tracking_number for p in result.parcels if p.tracking_number]
    logger.error("booking of %s at the carrier (%s) could not be recorded: %r", shipment.number, numbers, error)
    try:
        adapter.cancel(numbers)
    except CarrierError as cancel_error:
        logger.exception("booking of %s could not be recorded nor cancelled: delete %s at the carrier",
                         shipment.number, numbers)
        message = (f"The carrier booked {', '.join(numbers)}, but the booking could not be recorded and cancelling "
                   f"it failed too ({cancel_error.message}): delete these labels in the carrier's portal, then "
                   "book again confirming you checked.")
        kind = CarrierErrorKind.UNKNOWN
    else:
        message = (f"The carrier booked {', '.join(numbers)}, but the booking could not be recorded "
                   f"({type(error).__name__}); the labels were cancelled at the carrier. Book again.")
        kind = "not_recorded"
    try:
        shipment_booking_failed(shipment=shipment, message=message, kind=kind, actor=actor)
    except Exception:  # noqa: BLE001 - the database itself may be what failed: the log above keeps the numbers
        logger.exception("could not keep the failed booking of %s on the shipment", shipment.number)
    return message


@flow
def _booked(*, shipment: Shipment, account: CarrierAccount, result, actor: Actor) -> Shipment:
    shipment = shipment_booking_record(shipment=shipment, account=account, result=result, actor=actor)
    shipment_confirmation_enqueue(shipment=shipment)
    return shipment


@dataclass(frozen=True)
class BulkBooking:
    booked: list[Shipment]
    failed: list[tuple[str, str]]  # (shipment number, message)


def shipments_book(*, shipments: Iterable[Shipment], actor: Actor) -> BulkBooking:
    """Book many shipments (a pick run's): each on its own, so one bad address does not stop
    the others; already booked ones count as booked (their labels print again)."""
    booked, failed = [], []
    for shipment in shipments:
        if shipment.status == ShipmentStatus.BOOKED:
            booked.append(shipment)
            continue
        try:
            booked.append(shipment_book(shipment=shipment, actor=actor))
        except DomainError as error:
            failed.append((shipment.number, error.message))
    return BulkBooking(booked=booked, failed=failed)


def shipment_booking_cancel(*, shipment: Shipment, actor: Actor) -> Shipment:
    """Delete the booking at the carrier (before the parcels leave), then forget it here."""
    shipment = shipment_get(number=shipment.number)
    if shipment.status != ShipmentStatus.BOOKED:
        raise InvalidTransition(f"shipment {shipment.number} is {shipment.status}: only a booked shipment that has "
                                "not left can be cancelled", details={"field": "shipment"})
    if shipment.carrier_account_id and shipment.carrier_account.kind == CarrierKind.DHL_PARCEL_DE:
        numbers = [p.tracking_number for p in shipment.parcels.all() if p.tracking_number]
        try:
            adapter_for(carrier_config(shipment.carrier_account)).cancel(numbers)
        except CarrierError as error:
            raise CarrierRefused(error.message, kind=error.kind) from error
    return shipment_booking_cancel_record(shipment=shipment, actor=actor)


def return_label_create(*, order_number: str, return_number: str, actor: Actor) -> ReturnLabel | None:
    """The return label of one return of the order (a DHL label carries one parcel): the one
    already made for it (a reload of the portal page books nothing), the DHL Retoure label booked
    with the outbound parcel when this is the order's first return, else a new one from the DHL
    returns API. None when no carrier account makes return labels (the portal then shows the
    return instructions instead)."""
    return_number = (return_number or "").strip()
    if not return_number or len(return_number) > RETURN_NUMBER_MAX:
        raise InvalidInput("a return label is made for one return: name the return", details={"field": "return_number"})
    kept = CarrierReturnLabel.objects.filter(return_number=return_number).first()
    if kept is not None:
        return _return_label(kept)
    outbound = _outbound_return_label(order_number, return_number, actor)
    if outbound is not None:
        return outbound
    account = return_carrier_account()
    shipment = Shipment.objects.filter(order_number=order_number).order_by("-packed_at").first()
    if account is None or shipment is None:
        return None
    shipper = shipper_address(company_profile_get())
    weight = max(sum(p.weight_grams for p in shipment.parcels.all()), 100)
    request = ReturnRequest(reference=return_number, customer=consignee_address(shipment), return_address=shipper,
                            weight_grams=weight)
    try:
        booked = adapter_for(carrier_config(account)).return_label(request)
    except (CarrierError, DomainError):  # DomainError: credentials unreadable (key rotated); the portal shows
        logger.exception("no return label for %s", return_number)  # the instructions instead of a 500
        return None
    label = return_label_store(order_number=order_number, return_number=return_number, account=account,
                               tracking_number=booked.tracking_number, label_pdf=booked.label_pdf, actor=actor)
    return _return_label(label)


RETURN_NUMBER_MAX = 32


def _return_label(label: CarrierReturnLabel) -> ReturnLabel:
    return ReturnLabel(tracking_number=label.tracking_number, label_pdf=bytes(label.label_pdf))


def _first_return_number(order_number: str) -> str | None:
    """The order's first return not cancelled: the one the Retoure label in the parcel is for."""
    returns = [r for r in return_list_for_order(order_number=order_number) if r.status != ReturnStatus.CANCELLED]
    return returns[-1].number if returns else None  # the list is newest first


def _outbound_parcel(order_number: str) -> tuple[Shipment, Parcel] | None:
    for shipment in (Shipment.objects.filter(order_number=order_number).select_related("carrier_account")
                     .order_by("packed_at", "id")):
        for parcel in shipment.parcels.all():
            if parcel.return_tracking_number and parcel.return_label_pdf:
                return shipment, parcel
    return None


def _outbound_return_label(order_number: str, return_number: str, actor: Actor) -> ReturnLabel | None:
    """The Retoure label booked with the outbound parcel, for the order's first return only (it
    carries one parcel back); kept as that return's label so no other return gets it."""
    found = _outbound_parcel(order_number)
    if found is None or _first_return_number(order_number) != return_number:
        return None
    shipment, parcel = found
    account = shipment.carrier_account or return_carrier_account()
    if account is None:
        return None
    label = return_label_store(order_number=order_number, return_number=return_number, account=account,
                               tracking_number=parcel.return_tracking_number,
                               label_pdf=bytes(parcel.return_label_pdf), actor=actor)
    return _return_label(label) if label.return_number == return_number else None


def return_label_return_number(*, tracking_number: str) -> str | None:
    """The return a scanned return label belongs to: the one it was made for, or for the Retoure
    label of an outbound parcel not yet handed out, the order's first return. None for labels made
    before returns had their own (the returns' own lookup decides) and for unknown numbers."""
    tracking_number = (tracking_number or "").strip()
    if not tracking_number:
        return None
    label = CarrierReturnLabel.objects.filter(tracking_number=tracking_number).first()
    if label is not None:
        return label.return_number or None
    shipment = Shipment.objects.filter(parcels__return_tracking_number=tracking_number).first()
    return _first_return_number(shipment.order_number) if shipment else None


def return_label_order_number(*, tracking_number: str) -> str | None:
    """The order a return label (outbound Retoure or portal-made) belongs to."""
    label = CarrierReturnLabel.objects.filter(tracking_number=tracking_number).first()
    if label is not None:
        return label.order_number
    shipment = Shipment.objects.filter(parcels__return_tracking_number=tracking_number).first()
    return shipment.order_number if shipment else None


SAMPLE_PARCEL = ParcelSpec(weight_grams=1000, length_cm=30, width_cm=20, height_cm=10)


def carrier_account_check(*, account: CarrierAccount) -> None:
    """A dry run at the carrier: DHL's `validate=true` checks the credentials, billing number,
    product and a sample parcel from the shop's own address to itself, and books nothing (no
    database write either). Raises CarrierRefused with the carrier's message when it fails."""
    if account.kind != CarrierKind.DHL_PARCEL_DE:
        raise InvalidInput(f"{account.name} is a manual carrier: there is no connection to test",
                           details={"field": "kind"})
    shop = shipper_address(company_profile_get())
    request = BookingRequest(reference="TEST", shipper=shop, consignee=shop, parcels=(SAMPLE_PARCEL,),
                             ship_date=clock.today(), validate_only=True)
    try:
        adapter_for(carrier_config(account)).book(request)
    except CarrierError as error:
        raise CarrierRefused(error.message, kind=error.kind) from error
