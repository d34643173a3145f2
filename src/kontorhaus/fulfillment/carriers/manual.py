"""The "manual" carrier: DPD, GLS, Hermes, UPS, Deutsche Post or DHL without an API contract.
Labels are printed in the carrier's own software; we learn the tracking number by typing,
scanning or a CSV import, and build the customer's tracking link from the carrier's URL
pattern (data/tracking_url_templates.json)."""

import functools
import json
from pathlib import Path
from urllib.parse import quote

from .base import (
    BookedParcel,
    BookingRequest,
    BookingResult,
    CarrierConfig,
    CarrierError,
    CarrierErrorKind,
    ReturnRequest,
    TrackingEvent,
)

TEMPLATES_FILE = Path(__file__).resolve().parent.parent / "data" / "tracking_url_templates.json"
TRACKING_NUMBER_MAX = 64


@functools.cache
def link_templates() -> dict[str, dict]:
    data = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def carrier_name(key: str) -> str:
    return link_templates().get(key, {}).get("name", key)


def tracking_link(key: str, tracking_number: str) -> str:
    """The carrier's public tracking page for the number; "" for a carrier we have no link for."""
    template = link_templates().get(key, {}).get("template", "")
    if not template or not tracking_number:
        return ""
    return template.replace("{n}", quote(tracking_number, safe=""))


def tracking_number_clean(value: str) -> str:
    """A tracking number as typed or scanned: spaces removed (DPD prints them in groups),
    upper case; letters, digits and dashes only."""
    number = "".join(str(value or "").split()).upper()
    if not number or len(number) > TRACKING_NUMBER_MAX or not all(c.isalnum() or c == "-" for c in number):
        raise ValueError("a tracking number has 1 to 64 letters, digits or dashes")
    return number


class ManualCarrier:
    can_book = False
    can_track = False
    can_return = False

    def __init__(self, config: CarrierConfig):
        self.config = config

    def book(self, request: BookingRequest) -> BookingResult:
        raise CarrierError(f"{carrier_name(self.config.tracking_carrier)} is booked in the carrier's own software; "
                           "enter or import the tracking number here", kind=CarrierErrorKind.REJECTED)

    def cancel(self, tracking_numbers: list[str]) -> None:
        return None  # nothing was booked through us

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        return []

    def return_label(self, request: ReturnRequest) -> BookedParcel:
        raise CarrierError("this carrier makes no return labels through us", kind=CarrierErrorKind.REJECTED)

    def tracking_url(self, tracking_number: str, *, postal_code: str = "") -> str:
        return tracking_link(self.config.tracking_carrier, tracking_number)
