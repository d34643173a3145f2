"""The adapter interface every carrier implements, and the value types it exchanges.

Why values and not models: the HTTP call runs outside any database transaction (a carrier may
take seconds to answer, and no row should stay locked that long), and the same adapter runs in
the web process, the worker and the tests against the local fake server."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol


class CarrierErrorKind:
    INVALID_ADDRESS = "invalid_address"  # the carrier refused the consignee's address: fix it, book again
    UNAVAILABLE = "unavailable"  # the carrier did not answer (timeout, 5xx): try again later
    AUTH = "auth"  # credentials wrong or expired: fix the carrier account
    REJECTED = "rejected"  # any other refusal (product, billing number, weight ...)
    # The booking was sent but no answer came (a read timeout, the connection dropped): the
    # carrier may have booked. A person checks the carrier's portal before booking again.
    UNKNOWN = "unknown"


class CarrierError(Exception):
    """A carrier call failed. `message` is meant for the packer or the back office (what went
    wrong and what to do); `details` keeps the carrier's own messages for the log."""

    def __init__(self, message: str, *, kind: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.details = details or []


@dataclass(frozen=True)
class Address:
    """A postal address as shops hold it: country as ISO 3166-1 alpha-2, street with the house
    number in one field (adapters split it when the carrier wants them apart)."""

    name: str
    street: str
    postal_code: str
    city: str
    country: str
    company: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ParcelSpec:
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int


@dataclass(frozen=True)
class BookingRequest:
    reference: str  # the order number: printed on the label, found again in the carrier's portal
    shipper: Address
    consignee: Address
    parcels: tuple[ParcelSpec, ...]
    ship_date: dt.date
    language: str = "de"  # the language of the carrier's messages
    return_address: Address | None = None  # set: a return label comes with each parcel
    validate_only: bool = False  # a dry run: the carrier checks everything and books nothing


@dataclass(frozen=True)
class BookedParcel:
    tracking_number: str
    label_pdf: bytes
    warnings: tuple[str, ...] = ()  # e.g. "house number not found": the label is valid, check the address
    return_tracking_number: str = ""
    return_label_pdf: bytes = b""


@dataclass(frozen=True)
class BookingResult:
    parcels: tuple[BookedParcel, ...]  # in the order of BookingRequest.parcels


@dataclass(frozen=True)
class ReturnRequest:
    reference: str  # the order number
    customer: Address  # who sends the parcel back
    return_address: Address  # the shop's returns desk
    weight_grams: int = 1000


class TrackingStatus:
    """The small set of parcel states a customer sees (and the back office filters by)."""

    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"
    UNKNOWN = "unknown"  # an event the carrier could not classify: shown, changes no state

    ALL = (LABEL_CREATED, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION, RETURNED)


@dataclass(frozen=True)
class TrackingEvent:
    occurred_at: dt.datetime  # aware
    status: str  # a TrackingStatus value
    code: str  # the carrier's own status code, kept for deduplication and support
    text: str = ""
    location: str = ""
    problem: str = ""  # for exceptions: damaged, address, returned, failure


@dataclass(frozen=True)
class CarrierCredentials:
    """Decrypted secrets, in memory only; kept out of repr() so a log line or a traceback that
    prints the config does not print them."""

    api_key: str = field(default="", repr=False)
    api_secret: str = field(default="", repr=False)
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)
    tracking_api_key: str = field(default="", repr=False)


@dataclass(frozen=True)
class CarrierConfig:
    """What an adapter needs of a carrier account: set by the services from the database."""

    kind: str
    tracking_carrier: str = ""  # the key of the tracking link template (dhl, dpd, gls, ...)
    api_base_url: str = ""
    auth_url: str = ""
    tracking_base_url: str = ""
    returns_base_url: str = ""
    billing_number: str = ""
    return_billing_number: str = ""
    return_receiver_id: str = ""
    product: str = ""
    profile: str = "STANDARD_GRUPPENPROFIL"
    auth_mode: str = "oauth"  # or "basic"
    credentials: CarrierCredentials = field(default_factory=CarrierCredentials)
    timeout_seconds: float = 20.0


class CarrierAdapter(Protocol):
    """Book → labels and tracking numbers; cancel; fetch tracking events; build the tracking link."""

    can_book: bool
    can_track: bool
    can_return: bool

    def book(self, request: BookingRequest) -> BookingResult:
        """All parcels booked, or CarrierError with none left booked at the carrier."""

    def cancel(self, tracking_numbers: list[str]) -> None: ...

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        """The parcel's events, oldest first; [] while the carrier does not know it yet."""

    def return_label(self, request: ReturnRequest) -> BookedParcel: ...

    def tracking_url(self, tracking_number: str, *, postal_code: str = "") -> str: ...
