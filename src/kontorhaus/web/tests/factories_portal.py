"""Orders as the customer portal meets them: paid, picked and packed into a shipment, and with
parcels the carrier reports on."""

import datetime as dt
import itertools

from kontorhaus.flows.pack_and_ship import PackItem, order_pack
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.flows.tracking_import import parcel_tracking_number_entered
from kontorhaus.flows.tracking_update import tracking_events_received
from kontorhaus.fulfillment.carriers.base import TrackingEvent
from kontorhaus.fulfillment.models import Parcel, Shipment
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

_skus = itertools.count(1)
_tracking_numbers = itertools.count(340434310000)
DAY = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC)


def packed_order(units: int = 1, *, parcels: int = 1) -> tuple[SalesOrder, Shipment]:
    """A paid order of one article, picked and packed into `parcels` parcels: (order, shipment)."""
    sku = f"PORTAL-{next(_skus)}"
    stocked(sku, units=units + 5, bin_=make_bin(f"P-{sku}", 10))
    order = released_order((sku, units))
    run = start(mode="single", order_number=order.number)
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    shipment = order_pack(order=order, items=[PackItem(sku, units)],
                          parcels=[ParcelData(900, 30, 20, 10)] * parcels, actor=TESTER)
    return SalesOrder.objects.get(pk=order.pk), shipment


def released_order_of_one() -> SalesOrder:
    """Paid and released, not picked yet."""
    sku = f"PORTAL-{next(_skus)}"
    stocked(sku, units=3, bin_=make_bin(f"P-{sku}", 10))
    return released_order((sku, 1))


def event(status: str, hours: int, text: str, location: str = "", problem: str = "") -> TrackingEvent:
    return TrackingEvent(occurred_at=DAY + dt.timedelta(hours=hours), status=status, code=f"{status}-{hours}",
                         text=text, location=location, problem=problem)


def tracked_parcels(shipment: Shipment, *timelines: list[TrackingEvent]) -> list[Parcel]:
    """Each parcel gets a DHL tracking number and the carrier's events of its timeline."""
    parcels = list(Parcel.objects.filter(shipment=shipment).order_by("position"))
    for parcel, events in zip(parcels, timelines, strict=True):
        parcel_tracking_number_entered(parcel=parcel, tracking_number=str(next(_tracking_numbers)), carrier="dhl",
                                       actor=TESTER)
        if events:
            tracking_events_received(parcel=Parcel.objects.get(pk=parcel.pk), events=events, source="poll")
    return list(Parcel.objects.filter(shipment=shipment).order_by("position"))


def in_transit_and_delivered() -> tuple[SalesOrder, list[Parcel]]:
    """An order in two parcels: one on its way, one delivered."""
    order, shipment = packed_order(2, parcels=2)
    parcels = tracked_parcels(
        shipment,
        [event("in_transit", 0, "Die Sendung wurde im Start-Paketzentrum bearbeitet.", "Hamburg"),
         event("in_transit", 9, "Die Sendung wurde im Ziel-Paketzentrum bearbeitet.", "Berlin")],
        [event("in_transit", 1, "Die Sendung wurde im Start-Paketzentrum bearbeitet.", "Hamburg"),
         event("out_for_delivery", 20, "Die Sendung wurde in das Zustellfahrzeug geladen.", "Berlin"),
         event("delivered", 26, "Die Sendung wurde erfolgreich zugestellt.", "Berlin")],
    )
    return SalesOrder.objects.get(pk=order.pk), parcels
