"""DHL Shipment Tracking – Unified API: GET {base}/shipments?trackingNumber=... with the
`DHL-API-Key` header. The answer lists the shipment's events with a coarse `statusCode`
(pre-transit, transit, delivered, failure, unknown) and a free-text status; event timestamps
sometimes carry no zone offset (then they are the local time of the German network, so
Europe/Berlin), while `status.timestamp` ends in Z. An unknown number is an RFC 7807 problem
(404) — normal for a label printed minutes ago — and means "no events yet"."""

import datetime as dt
import urllib.parse
from zoneinfo import ZoneInfo

from .base import CarrierConfig, CarrierError, CarrierErrorKind, TrackingEvent, TrackingStatus
from .http import http_call

CARRIER = "DHL tracking"
NETWORK_ZONE = ZoneInfo("Europe/Berlin")
_CODES = {"pre-transit": TrackingStatus.LABEL_CREATED, "transit": TrackingStatus.IN_TRANSIT,
          "delivered": TrackingStatus.DELIVERED, "failure": TrackingStatus.EXCEPTION,
          "unknown": TrackingStatus.UNKNOWN}
# The coarse code does not tell "out for delivery" or "returned to sender" apart; the text does.
_OUT_FOR_DELIVERY = ("out for delivery", "in zustellung", "zustellfahrzeug", "wird heute zugestellt", "with courier")
_RETURNED = ("returned to sender", "return to sender", "rücksendung", "zurückgesendet", "an den absender zurück")
_PROBLEMS = (("damaged", ("damaged", "beschädigt", "beschaedigt")),
             ("address", ("address", "adresse", "anschrift", "empfänger unbekannt", "unknown recipient")),
             ("returned", _RETURNED))


def timestamp_parse(value: str) -> dt.datetime:
    """An ISO timestamp with or without zone offset ("Z" included); without one, German time."""
    text = str(value or "").strip()
    if not text:
        raise ValueError("empty timestamp")
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=NETWORK_ZONE)


def _location(event: dict) -> str:
    address = ((event.get("location") or {}).get("address") or {})
    parts = [address.get("addressLocality") or "", address.get("countryCode") or ""]
    return ", ".join(p for p in parts if p)[:200]


def event_map(event: dict) -> TrackingEvent:
    """One Unified event (or the shipment's `status`) as our TrackingEvent."""
    code = str(event.get("statusCode") or "unknown").lower()
    text = " ".join(str(event.get(k) or "") for k in ("status", "description")).strip()
    lowered = text.lower()
    status = _CODES.get(code, TrackingStatus.UNKNOWN)
    if status == TrackingStatus.IN_TRANSIT and any(w in lowered for w in _OUT_FOR_DELIVERY):
        status = TrackingStatus.OUT_FOR_DELIVERY
    problem = ""
    if status == TrackingStatus.EXCEPTION:
        problem = next((name for name, words in _PROBLEMS if any(w in lowered for w in words)), "failure")
        if problem == "returned":
            status = TrackingStatus.RETURNED
    return TrackingEvent(occurred_at=timestamp_parse(event.get("timestamp") or ""), status=status, code=code,
                         text=(event.get("description") or event.get("status") or "")[:300],
                         location=_location(event), problem=problem)


def events_from_answer(body: dict) -> list[TrackingEvent]:
    """All events of the answer's first shipment, oldest first; the shipment's `status` counts
    as an event when the event list is missing (some answers carry only the latest status)."""
    shipments = body.get("shipments") or []
    if not shipments:
        return []
    shipment = shipments[0]
    raw = list(shipment.get("events") or [])
    if not raw and shipment.get("status"):
        raw = [shipment["status"]]
    events = []
    for item in raw:
        try:
            events.append(event_map(item))
        except (ValueError, TypeError):
            continue  # an event without a readable time cannot be placed on the timeline
    return sorted(events, key=lambda e: e.occurred_at)


class DhlTracking:
    def __init__(self, config: CarrierConfig):
        self.config = config

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        key = self.config.credentials.tracking_api_key or self.config.credentials.api_key
        if not key:
            raise CarrierError("DHL tracking: the carrier account has no API key", kind=CarrierErrorKind.AUTH)
        query = urllib.parse.urlencode({"trackingNumber": tracking_number, "language": "de"})
        answer = http_call("GET", f"{self.config.tracking_base_url.rstrip('/')}/shipments?{query}",
                           headers={"DHL-API-Key": key, "Accept": "application/json"},
                           timeout=self.config.timeout_seconds, carrier=CARRIER)
        if answer.status == 404:  # noqa: PLR2004 - not (yet) known to DHL
            return []
        if answer.status in (401, 403):  # noqa: PLR2004
            raise CarrierError("DHL tracking refused our API key; check the DHL carrier account",
                               kind=CarrierErrorKind.AUTH)
        if answer.status != 200 or not isinstance(answer.body, dict):  # noqa: PLR2004
            raise CarrierError(f"DHL tracking is not available right now ({answer.status})",
                               kind=CarrierErrorKind.UNAVAILABLE)
        return events_from_answer(answer.body)
