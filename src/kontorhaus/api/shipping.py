"""Shipping: book shipments with their carrier (one or a pick run's), cancel a booking, print
the labels, enter or import tracking numbers of manual carriers, follow the parcels, and the
alerts tracking raises. The carriers' signed tracking webhook is its own module
(tracking_webhook), mounted on this router."""

from dataclasses import asdict

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Query, Router, Status

from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.flows.shipment_booking import CarrierRefused, shipment_book, shipment_booking_cancel, shipments_book
from kontorhaus.flows.tracking_import import parcel_tracking_number_entered, tracking_numbers_import
from kontorhaus.fulfillment.carriers.base import CarrierErrorKind
from kontorhaus.fulfillment.carriers.manual import tracking_link
from kontorhaus.fulfillment.labels import labels_pdf
from kontorhaus.fulfillment.models import Parcel, Shipment, TrackingAlert
from kontorhaus.fulfillment.selectors_picking import pick_run_get, shipment_get
from kontorhaus.fulfillment.selectors_shipping_pages import shipment_list_for_pick_run, tracking_alert_get
from kontorhaus.fulfillment.selectors_tracking import (
    ParcelTracking,
    order_tracking,
    shipment_tracking,
    tracking_alert_list,
)
from kontorhaus.fulfillment.services_tracking import tracking_alert_resolve
from kontorhaus.sales.selectors import order_get

from . import tracking_webhook
from .orders import actor_of
from .raw_body import csv_body_text
from .schemas_shipping import (
    BulkBookingOut,
    OrderTrackingOut,
    ShipmentBookingOut,
    ShipmentTrackingOut,
    TrackingAlertOut,
    TrackingImportOut,
    TrackingNumberIn,
    TrackingNumberOut,
)

router = Router(tags=["shipping"])
router.add_router("", tracking_webhook.router)

# Which part of the request a carrier's refusal is about, for the caller's form.
REFUSAL_FIELDS = {CarrierErrorKind.INVALID_ADDRESS: "shipping_address", CarrierErrorKind.AUTH: "carrier_account",
                  CarrierErrorKind.UNAVAILABLE: "carrier", CarrierErrorKind.REJECTED: "carrier",
                  CarrierErrorKind.UNKNOWN: "carrier"}
PDF = "application/pdf"
CSV_MAX_BYTES = 512 * 1024
Position = Path(..., ge=1, le=32_767)


def _parcel_out(shipment: Shipment, parcel: Parcel) -> dict:
    has_label = bool(parcel.label_pdf)
    return {"position": parcel.position, "tracking_number": parcel.tracking_number,
            "tracking_carrier": parcel.tracking_carrier,
            "tracking_url": tracking_link(parcel.tracking_carrier, parcel.tracking_number),
            "label_url": reverse("api:parcel_label", kwargs={"number": shipment.number, "position": parcel.position})
            if has_label else None,
            "warnings": list(parcel.booking_warnings or []), "return_tracking_number": parcel.return_tracking_number}


def booking_out(shipment: Shipment) -> dict:
    parcels = [_parcel_out(shipment, p) for p in shipment.parcels.all()]
    return {"number": shipment.number, "order_number": shipment.order_number, "status": shipment.status,
            "carrier": shipment.carrier,
            "carrier_account": shipment.carrier_account.code if shipment.carrier_account_id else None,
            "tracking_number": shipment.tracking_number, "booked_at": shipment.booked_at,
            "booking_error": shipment.booking_error,
            "labels_url": reverse("api:shipment_labels", kwargs={"number": shipment.number})
            if any(p["label_url"] for p in parcels) else None,
            "parcels": parcels}


def _refused(error: CarrierRefused) -> InvalidInput:
    return InvalidInput(error.message, code="carrier_refused",
                        details={"field": REFUSAL_FIELDS.get(error.kind, "carrier"), "reason": error.kind})


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.post("/shipments/{number}/booking", response={201: ShipmentBookingOut})
def shipment_booking_create(request: HttpRequest, number: str, *, carrier_checked: bool = False):
    """Book every parcel with the carrier (labels, tracking numbers) and send the customer the
    shipment e-mail. The carrier's refusal is 422 with `details.reason` invalid_address,
    unavailable, auth or rejected, and nothing is booked; no answer in time is 422 `unknown`
    (DHL may have booked: check its portal). Booked already: 409; after an `unknown` outcome
    409 `booking_unconfirmed` until called with `?carrier_checked=true`."""
    try:
        shipment = shipment_book(shipment=shipment_get(number=number), actor=actor_of(request),
                                 carrier_checked=carrier_checked)
    except CarrierRefused as error:
        raise _refused(error) from error
    return Status(201, booking_out(shipment_get(number=shipment.number)))


@router.delete("/shipments/{number}/booking", response=ShipmentBookingOut)
def shipment_booking_delete(request: HttpRequest, number: str):
    """Cancel the booking at the carrier before the parcels leave; the shipment is packed again."""
    try:
        shipment = shipment_booking_cancel(shipment=shipment_get(number=number), actor=actor_of(request))
    except CarrierRefused as error:
        raise _refused(error) from error
    return booking_out(shipment_get(number=shipment.number))


@router.get("/shipments/{number}/booking", response=ShipmentBookingOut)
def shipment_booking_detail(request: HttpRequest, number: str):
    return booking_out(shipment_get(number=number))


@router.get("/shipments/{number}/labels", url_name="shipment_labels", response={200: None})
def shipment_labels(request: HttpRequest, number: str):
    """All parcel labels of the shipment as one PDF; 404 while it has none."""
    shipment = shipment_get(number=number)
    if not any(p.label_pdf for p in shipment.parcels.all()):
        raise NotFound(f"shipment {number} has no labels", details={"field": "number"})
    return _pdf(labels_pdf([shipment]), f"{shipment.number}-labels.pdf")


@router.get("/shipments/{number}/parcels/{position}/label", url_name="parcel_label", response={200: None})
def parcel_label(request: HttpRequest, number: str, position: int = Position):
    parcel = _parcel(shipment_get(number=number), position)
    if not parcel.label_pdf:
        raise NotFound(f"parcel {position} of {number} has no label", details={"field": "position"})
    return _pdf(bytes(parcel.label_pdf), f"{number}-{position}.pdf")


def _parcel(shipment: Shipment, position: int) -> Parcel:
    parcel = next((p for p in shipment.parcels.all() if p.position == position), None)
    if parcel is None:
        raise NotFound(f"shipment {shipment.number} has no parcel {position}", details={"field": "position"})
    return parcel


@router.put("/shipments/{number}/parcels/{position}/tracking-number", response=TrackingNumberOut)
def parcel_tracking_number_put(request: HttpRequest, number: str, body: TrackingNumberIn,
                               position: int = Position):
    """The tracking number of a parcel booked in the carrier's own software (typed or scanned).
    The same number again changes nothing (`changed: false`); the last parcel's number books the
    shipment and sends the customer the shipment e-mail."""
    parcel = _parcel(shipment_get(number=number), position)
    changed = parcel_tracking_number_entered(parcel=parcel, tracking_number=body.tracking_number,
                                             carrier=body.carrier, actor=actor_of(request))
    return {"changed": changed, "shipment": booking_out(shipment_get(number=number))}


def _tracking_out(parcels: list[ParcelTracking]) -> list[dict]:
    return [asdict(p) for p in parcels]


@router.get("/shipments/{number}/tracking", response=ShipmentTrackingOut)
def shipment_tracking_detail(request: HttpRequest, number: str):
    shipment = shipment_get(number=number)
    return {"number": shipment.number, "order_number": shipment.order_number, "status": shipment.status,
            "parcels": _tracking_out(shipment_tracking(shipment=shipment))}


@router.get("/orders/{number}/tracking", response=OrderTrackingOut)
def order_tracking_detail(request: HttpRequest, number: str):
    """Every parcel of the order with its status and timeline (newest event first)."""
    order = order_get(number=number)
    return {"order_number": order.number, "parcels": _tracking_out(order_tracking(order_number=order.number))}


@router.post("/pick-runs/{number}/booking", response=BulkBookingOut)
def pick_run_booking(request: HttpRequest, number: str):
    """Book every shipment the pick run packed, each on its own: one refused address does not
    stop the others. Booked ones count as booked (their labels print again)."""
    run = pick_run_get(number=number)
    result = shipments_book(shipments=shipment_list_for_pick_run(pick_run=run.number), actor=actor_of(request))
    booked = [{"number": s.number, "status": s.status,
               "tracking_numbers": [p.tracking_number for p in s.parcels.all()]} for s in result.booked]
    return {"pick_run": run.number, "booked": booked,
            "failed": [{"number": n, "message": message} for n, message in result.failed],
            "labels_url": reverse("api:pick_run_labels", kwargs={"number": run.number}) if booked else None}


@router.get("/pick-runs/{number}/labels", url_name="pick_run_labels", response={200: None})
def pick_run_labels(request: HttpRequest, number: str):
    """The labels of every shipment of the pick run as one PDF (one job for the label printer)."""
    shipments = shipment_list_for_pick_run(pick_run=pick_run_get(number=number).number)
    if not any(p.label_pdf for s in shipments for p in s.parcels.all()):
        raise NotFound(f"pick run {number} has no labels", details={"field": "number"})
    return _pdf(labels_pdf(shipments), f"{number}-labels.pdf")


@router.post("/tracking-numbers/import", response=TrackingImportOut, openapi_extra={
    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}, "example":
                    "order;tracking number;carrier\nAU-2026-000123;01234567890123;dpd\n"}}}})
def tracking_numbers_import_csv(request: HttpRequest):
    """Tracking numbers from a CSV export of a carrier's software, UTF-8, one parcel a line:
    `order or shipment number;tracking number;carrier`. Every line is checked first: any bad
    line is 422 with its line number in `details.errors`, and nothing changes. The same file
    twice changes nothing. At most 512 KB (413)."""
    result = tracking_numbers_import(text=csv_body_text(request, limit=CSV_MAX_BYTES), actor=actor_of(request))
    return {"set": result.set, "unchanged": result.unchanged}


def alert_out(alert: TrackingAlert) -> dict:
    return {"id": alert.pk, "order_number": alert.order_number, "shipment_number": alert.parcel.shipment.number,
            "parcel_position": alert.parcel.position, "tracking_number": alert.parcel.tracking_number,
            "kind": alert.kind, "message": alert.message, "raised_at": alert.raised_at,
            "customer_notified_at": alert.customer_notified_at, "resolved_at": alert.resolved_at,
            "resolved_by": alert.resolved_by}


@router.get("/tracking-alerts", response=list[TrackingAlertOut])
def tracking_alert_list_endpoint(request: HttpRequest, order_number: str = Query("", max_length=32)):
    """The open alerts (no movement, returned, damaged, address problem), newest first."""
    return [alert_out(a) for a in tracking_alert_list(open_only=True, order_number=order_number)]


@router.post("/tracking-alerts/{alert_id}/resolve", response=TrackingAlertOut)
def tracking_alert_resolve_endpoint(request: HttpRequest, alert_id: int = Path(..., ge=1, le=2_147_483_647)):
    """Done with it; resolving a resolved alert changes nothing."""
    tracking_alert_resolve(alert=tracking_alert_get(pk=alert_id), actor=actor_of(request))
    return alert_out(tracking_alert_get(pk=alert_id))
