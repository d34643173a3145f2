"""Reads for the back office's shipping pages: the shipments a pick run packed (bulk booking,
one label PDF per run), the alerts of one shipment, and an alert by its id."""

from kontorhaus.core.exceptions import NotFound

from .models_carriers import TrackingAlert
from .models_shipping import Shipment


def shipment_list_for_pick_run(*, pick_run: str) -> list[Shipment]:
    """Every shipment packed from the pick run's totes, oldest first."""
    return list(Shipment.objects.filter(pick_run=pick_run).select_related("carrier_account")
                .prefetch_related("parcels").order_by("packed_at", "id"))


def tracking_alert_list_for_shipment(*, shipment: Shipment) -> list[TrackingAlert]:
    """The shipment's open alerts, newest first."""
    return list(TrackingAlert.objects.filter(parcel__shipment=shipment, resolved_at__isnull=True)
                .select_related("parcel").order_by("-raised_at", "-id"))


def tracking_alert_get(*, pk: int) -> TrackingAlert:
    alert = TrackingAlert.objects.filter(pk=pk).select_related("parcel", "parcel__shipment").first()
    if alert is None:
        raise NotFound(f"no tracking alert {pk}", details={"field": "alert"})
    return alert
