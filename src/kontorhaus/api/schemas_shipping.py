"""In/Out schemas of the shipping API (booking, labels, tracking numbers, tracking, alerts) and
of the carriers' tracking webhook. Strict input like the rest of the API: a control character,
an over-long value or an unknown field is refused with 422 naming the field."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from kontorhaus.fulfillment.carriers.base import TrackingStatus

from .schemas_orders import Moment, text

# What a carrier may print as a tracking number: letters, digits, dashes and the spaces DPD
# groups it with, at most 80 characters printed. Cleaned (spaces removed) it has at most
# TRACKING_NUMBER_MAX (64); a longer one is no parcel of ours and is listed as refused in the
# 200 answer (flows.tracking_update.tracking_events_pushed), not a reason to drop the batch.
WebhookTrackingNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{0,79}$")]
StatusCode = Literal[(*TrackingStatus.ALL, TrackingStatus.UNKNOWN)]  # type: ignore[valid-type]
Problem = Literal["", "damaged", "address", "returned", "failure"]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class TrackingNumberIn(Strict):
    tracking_number: text(min_length=1, max_length=80)
    carrier: text(min_length=1, max_length=32)  # dhl, deutsche_post, dpd, gls, hermes, ups


class BookedParcelOut(Schema):
    position: int
    tracking_number: str
    tracking_carrier: str
    tracking_url: str
    label_url: str | None  # None: no label (a tracking number typed in, or not booked)
    warnings: list[str]
    return_tracking_number: str


class ShipmentBookingOut(Schema):
    number: str
    order_number: str
    status: str
    carrier: str
    carrier_account: str | None
    tracking_number: str
    booked_at: dt.datetime | None
    booking_error: str
    labels_url: str | None
    parcels: list[BookedParcelOut]


class TrackingNumberOut(Schema):
    changed: bool  # false: the parcel had this number already, nothing was written
    shipment: ShipmentBookingOut


class BulkBookedOut(Schema):
    number: str
    status: str
    tracking_numbers: list[str]


class BulkFailedOut(Schema):
    number: str
    message: str


class BulkBookingOut(Schema):
    pick_run: str
    booked: list[BulkBookedOut]
    failed: list[BulkFailedOut]
    labels_url: str | None


class TrackingEventOut(Schema):
    occurred_at: dt.datetime
    status: str
    text: str
    location: str


class ParcelTrackingOut(Schema):
    shipment_number: str
    position: int
    carrier_name: str
    tracking_number: str
    tracking_url: str
    status: str  # label_created, in_transit, out_for_delivery, delivered, exception, returned; "" unbooked
    status_text: str
    last_event_at: dt.datetime | None
    events: list[TrackingEventOut]  # newest first


class ShipmentTrackingOut(Schema):
    number: str
    order_number: str
    status: str
    parcels: list[ParcelTrackingOut]


class OrderTrackingOut(Schema):
    order_number: str
    parcels: list[ParcelTrackingOut]


class TrackingImportOut(Schema):
    set: int
    unchanged: int


class TrackingAlertOut(Schema):
    id: int
    order_number: str
    shipment_number: str
    parcel_position: int
    tracking_number: str
    kind: str  # stale, returned, damaged, address, failure
    message: str
    raised_at: dt.datetime
    customer_notified_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolved_by: str


# --- the carriers' tracking webhook -------------------------------------------------------------


class WebhookEventIn(Schema):
    # Fields a carrier or aggregator adds later are ignored rather than refused: a new field on
    # their side must not stop the deliveries.
    model_config = ConfigDict(extra="ignore")

    tracking_number: WebhookTrackingNumber
    timestamp: Moment  # ISO 8601 with an offset ("2026-11-27T09:12:00+01:00" or "...Z")
    status_code: StatusCode
    description: text(max_length=2000) | None = ""  # null: the carrier said nothing
    location: text(max_length=500) | None = ""
    problem: Problem = ""  # for exceptions: which alert the back office gets


class WebhookEventsIn(Schema):
    model_config = ConfigDict(extra="ignore")

    events: Annotated[list[WebhookEventIn], Field(min_length=1, max_length=1000)]


class WebhookRefusedOut(Schema):
    tracking_number: str
    message: str


class WebhookParcelOut(Schema):
    tracking_number: str
    status: str


class WebhookAnswerOut(Schema):
    recorded: int  # events stored now
    duplicates: int  # events this parcel had already (a retry, a replay): ignored
    unknown_tracking_numbers: list[str]  # no parcel of this carrier account has them: ignored
    parcels: list[WebhookParcelOut]  # the status of every parcel the delivery named
    refused: list[WebhookRefusedOut]  # events of a parcel that could not be applied (nothing stored)


class WebhookErrorOut(Schema):
    code: str
    message: str
    details: dict
