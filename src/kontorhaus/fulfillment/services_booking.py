"""Writes of a carrier booking (STYLE 4): the parcels' tracking numbers and labels, the booking
error shown on the shipment, a cancelled booking, a tracking number typed or imported, and a
return label kept for its return.

The carrier call itself happens before these run, outside any transaction (flows/
shipment_booking); each of these is one short transaction on the locked shipment. "No
half-booked state": a booking is recorded whole (every parcel) or not at all, and a failed one
leaves only its message."""

import datetime as dt

from django.db import IntegrityError, transaction

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.models import CompanyProfile
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation

from .carriers.base import Address, BookingRequest, BookingResult, CarrierErrorKind, ParcelSpec
from .carriers.manual import link_templates, tracking_number_clean
from .models_carriers import CarrierAccount, CarrierReturnLabel, TrackingEvent
from .models_shipping import Parcel, Shipment
from .states_picking import SHIPMENT_TRANSITIONS, ShipmentStatus

ERROR_MAX = 2000


def shipper_address(profile: CompanyProfile | None) -> Address:
    profile = profile or CompanyProfile()
    return Address(name=profile.name, street=profile.street, postal_code=profile.postal_code, city=profile.city,
                   country=profile.country, email=profile.email, phone=profile.phone)


def consignee_address(shipment: Shipment) -> Address:
    address = shipment.shipping_address or {}
    return Address(name=str(address.get("name") or shipment.customer_name), company=str(address.get("company") or ""),
                   street=str(address.get("street") or ""), postal_code=str(address.get("postal_code") or ""),
                   city=str(address.get("city") or ""), country=str(address.get("country") or ""),
                   email=str(address.get("email") or ""), phone=str(address.get("phone") or ""))


def booking_request(*, shipment: Shipment, shipper: Address, ship_date: dt.date,
                    return_address: Address | None) -> BookingRequest:
    parcels = tuple(ParcelSpec(p.weight_grams, p.length_cm, p.width_cm, p.height_cm) for p in shipment.parcels.all())
    return BookingRequest(reference=shipment.order_number, shipper=shipper, consignee=consignee_address(shipment),
                          parcels=parcels, ship_date=ship_date, language=shipment.language,
                          return_address=return_address)


def _locked(shipment: Shipment) -> Shipment:
    return Shipment.objects.select_for_update().get(pk=shipment.pk)


def _refuse_unless_packed(shipment: Shipment) -> None:
    if shipment.status != ShipmentStatus.PACKED:
        raise InvalidTransition(f"shipment {shipment.number} is {shipment.status}: it was booked already",
                                code="already_booked", details={"field": "shipment", "status": shipment.status})


@operation
def shipment_booking_record(*, shipment: Shipment, account: CarrierAccount, result: BookingResult,
                            actor: Actor) -> Shipment:
    """Every parcel gets its tracking number and label; the shipment is booked. Refused when
    the shipment was booked meanwhile (two packers at once): the caller cancels at the carrier."""
    shipment = _locked(shipment)
    _refuse_unless_packed(shipment)
    parcels = list(Parcel.objects.filter(shipment=shipment).order_by("position"))
    if len(parcels) != len(result.parcels):
        raise InvalidInput(f"the carrier answered for {len(result.parcels)} parcels, the shipment has {len(parcels)}",
                           details={"field": "parcels"})
    for parcel, booked in zip(parcels, result.parcels, strict=True):
        parcel.tracking_number, parcel.label_pdf = booked.tracking_number, booked.label_pdf
        parcel.tracking_carrier, parcel.booking_warnings = account.tracking_carrier, list(booked.warnings)
        parcel.return_tracking_number, parcel.return_label_pdf = booked.return_tracking_number, booked.return_label_pdf
    Parcel.objects.bulk_update(parcels, ["tracking_number", "label_pdf", "tracking_carrier", "booking_warnings",
                                         "return_tracking_number", "return_label_pdf"])
    fields = transition(shipment, to=ShipmentStatus.BOOKED, table=SHIPMENT_TRANSITIONS,
                        action=AuditAction.FULFILLMENT_SHIPMENT_BOOKED, actor=actor,
                        order_number=shipment.order_number,
                        data={"carrier": account.code, "tracking_numbers": [p.tracking_number for p in parcels],
                              "warnings": [w for p in result.parcels for w in p.warnings]})
    shipment.carrier_account, shipment.tracking_number = account, parcels[0].tracking_number
    shipment.booking_error, shipment.booking_error_at, shipment.booking_unconfirmed = "", None, False
    shipment.save(update_fields=[*fields, "carrier_account", "tracking_number", "booking_error", "booking_error_at",
                                 "booking_unconfirmed"])
    return shipment


@operation
def shipment_booking_failed(*, shipment: Shipment, message: str, kind: str, actor: Actor) -> Shipment:
    """Keep the carrier's refusal on the shipment for the packer; nothing else changes. A
    shipment booked meanwhile keeps its booking (the error was about a second attempt). When
    the carrier may hold labels of it (kind "unknown"), booking again waits for a person."""
    shipment = _locked(shipment)
    if shipment.status != ShipmentStatus.PACKED:
        return shipment
    shipment.booking_error, shipment.booking_error_at = message[:ERROR_MAX], clock.now()
    shipment.booking_unconfirmed = shipment.booking_unconfirmed or kind == CarrierErrorKind.UNKNOWN
    shipment.save(update_fields=["booking_error", "booking_error_at", "booking_unconfirmed"])
    record(action=AuditAction.FULFILLMENT_SHIPMENT_BOOKING_FAILED, obj=shipment, actor=actor,
           order_number=shipment.order_number, data={"kind": kind, "message": message[:300]})
    return shipment


@operation
def shipment_booking_cancel_record(*, shipment: Shipment, actor: Actor) -> Shipment:
    """The carrier deleted the booking: the shipment is packed again, its parcels without
    numbers and labels, ready to be booked anew."""
    shipment = _locked(shipment)
    if shipment.status != ShipmentStatus.BOOKED:
        raise InvalidTransition(f"shipment {shipment.number} is {shipment.status}: only a booked shipment that has "
                                "not left can be cancelled", details={"field": "shipment"})
    numbers = list(shipment.parcels.values_list("tracking_number", flat=True))
    # The scans belonged to the deleted labels; the next booking's parcels start a new timeline.
    TrackingEvent.objects.filter(parcel__shipment=shipment).delete()
    Parcel.objects.filter(shipment=shipment).update(tracking_number="", label_pdf=b"", booking_warnings=[],
                                                    return_tracking_number="", return_label_pdf=b"",
                                                    tracking_status="", last_event_text="", last_event_at=None,
                                                    tracking_checked_at=None)
    fields = transition(shipment, to=ShipmentStatus.PACKED, table=SHIPMENT_TRANSITIONS,
                        action=AuditAction.FULFILLMENT_SHIPMENT_BOOKING_CANCELLED, actor=actor,
                        order_number=shipment.order_number, data={"tracking_numbers": numbers})
    shipment.tracking_number = ""
    shipment.save(update_fields=[*fields, "tracking_number"])
    return shipment


@operation
def parcel_tracking_number_set(*, parcel: Parcel, tracking_number: str, carrier: str, actor: Actor) -> bool:
    """A tracking number typed, scanned or imported for a parcel booked in the carrier's own
    software; `carrier` is the key of its link template. Returns whether anything changed (the
    same number again is a no-op). When every parcel has one, a packed shipment is booked."""
    try:
        number = tracking_number_clean(tracking_number)
    except ValueError as error:
        raise InvalidInput(str(error), details={"field": "tracking_number"})
    if carrier not in link_templates():
        raise InvalidInput(f"carrier is one of {', '.join(link_templates())}", details={"field": "carrier"})
    shipment = _locked(parcel.shipment)
    parcel = Parcel.objects.get(pk=parcel.pk)
    if parcel.tracking_number == number and parcel.tracking_carrier == carrier:
        return False
    if shipment.status in (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED) or (
            shipment.status == ShipmentStatus.BOOKED and shipment.carrier_account_id and parcel.label_pdf):
        raise InvalidTransition(f"shipment {shipment.number} is {shipment.status}: its tracking number is the "
                                "carrier's", details={"field": "tracking_number"})
    taken = InvalidInput(f"tracking number {number} belongs to another parcel", details={"field": "tracking_number"})
    if Parcel.objects.filter(tracking_number=number, tracking_carrier=carrier).exclude(pk=parcel.pk).exists():
        raise taken
    before = parcel.tracking_number
    parcel.tracking_number, parcel.tracking_carrier = number, carrier
    try:
        with transaction.atomic():  # two people entering the same number at once: the constraint decides
            parcel.save(update_fields=["tracking_number", "tracking_carrier"])
    except IntegrityError:
        raise taken from None
    record(action=AuditAction.FULFILLMENT_PARCEL_TRACKING_NUMBER_SET, obj=shipment, actor=actor,
           order_number=shipment.order_number,
           data={"parcel": parcel.position, "from": before, "to": number, "carrier": carrier})
    first = Parcel.objects.filter(shipment=shipment).order_by("position").values_list("tracking_number", flat=True)
    fields = ["tracking_number"]
    shipment.tracking_number = first[0]
    if shipment.status == ShipmentStatus.PACKED and not Parcel.objects.filter(shipment=shipment,
                                                                             tracking_number="").exists():
        fields += transition(shipment, to=ShipmentStatus.BOOKED, table=SHIPMENT_TRANSITIONS,
                             action=AuditAction.FULFILLMENT_SHIPMENT_BOOKED, actor=actor,
                             order_number=shipment.order_number, data={"carrier": carrier, "manual": True})
    shipment.save(update_fields=fields)
    return True


@operation
def return_label_store(*, order_number: str, return_number: str, account: CarrierAccount, tracking_number: str,
                       label_pdf: bytes, actor: Actor) -> CarrierReturnLabel:
    """Keep the return label made for one return (also the Retoure label booked with the outbound
    parcel, once the order's first return uses it). What is kept wins: a label already kept for this
    return (two requests for it at once both reached the carrier: DHL charges a return label only
    when it is sent, so the other one is simply never handed out), or the label with this tracking
    number, which may belong to another return — the caller checks `return_number`."""
    kept = (CarrierReturnLabel.objects.filter(return_number=return_number).first()
            or CarrierReturnLabel.objects.filter(tracking_number=tracking_number).first())
    if kept is not None:
        return kept
    label = CarrierReturnLabel(order_number=order_number, return_number=return_number, account=account,
                               tracking_number=tracking_number, label_pdf=label_pdf, created_by=str(actor))
    try:
        with transaction.atomic():  # the same request at the same moment: the constraints decide
            label.save()
    except IntegrityError:
        return (CarrierReturnLabel.objects.filter(return_number=return_number).first()
                or CarrierReturnLabel.objects.get(tracking_number=tracking_number))
    record(action=AuditAction.FULFILLMENT_RETURN_LABEL_CREATED, obj=label, actor=actor, order_number=order_number,
           data={"tracking_number": tracking_number, "carrier": account.code, "return": return_number})
    return label
