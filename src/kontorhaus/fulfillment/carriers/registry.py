"""Carrier account kind -> adapter. DHL Parcel DE books, cancels and makes return labels; its
parcels are tracked through the Unified tracking API. Every other carrier is "manual"."""

from .base import BookedParcel, BookingRequest, BookingResult, CarrierConfig, ReturnRequest, TrackingEvent
from .dhl_parcel_de import DhlParcelDe
from .dhl_tracking import DhlTracking
from .manual import ManualCarrier, link_templates

DHL_PARCEL_DE = "dhl_parcel_de"
MANUAL = "manual"
KINDS = (DHL_PARCEL_DE, MANUAL)


class DhlAdapter(DhlParcelDe):
    def track(self, tracking_number: str) -> list[TrackingEvent]:
        return DhlTracking(self.config).track(tracking_number)


def adapter_for(config: CarrierConfig) -> "DhlAdapter | ManualCarrier":
    if config.kind == DHL_PARCEL_DE:
        return DhlAdapter(config)
    return ManualCarrier(config)


def link_carriers() -> list[tuple[str, str]]:
    """(key, name) of every carrier we can link to, for forms and the CSV import."""
    return [(key, value.get("name", key)) for key, value in link_templates().items()]


__all__ = ["BookedParcel", "BookingRequest", "BookingResult", "CarrierConfig", "ReturnRequest", "adapter_for",
           "link_carriers", "KINDS", "DHL_PARCEL_DE", "MANUAL"]
