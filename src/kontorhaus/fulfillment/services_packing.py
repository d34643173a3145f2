"""Writes to the shipment tables (STYLE 4): a packed shipment with its lines and parcels, and
its hand-over to the carrier."""

from collections.abc import Sequence
from dataclasses import dataclass

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.models import NumberKind
from kontorhaus.core.numbering import next_number
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation

from .models_shipping import Parcel, Shipment, ShipmentLine
from .states_picking import SHIPMENT_TRANSITIONS, ShipmentStatus

MAX_PARCELS = 20
MAX_WEIGHT_GRAMS = 1_000_000  # a pallet; parcel carriers' own limits are checked when booking
MAX_SIDE_CM = 400


@dataclass(frozen=True)
class ParcelData:
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int


@dataclass(frozen=True)
class PackedLine:
    line_position: int
    article: Article
    name: str
    quantity: int


@dataclass(frozen=True)
class ShipmentData:
    """What the pack flow hands over: the order's facts copied onto the shipment."""

    order_number: str
    carrier: str
    language: str
    customer_name: str
    shipping_address: dict
    pick_run: str
    lines: tuple[PackedLine, ...]
    parcels: tuple[ParcelData, ...]


def parcels_validate(parcels: Sequence[ParcelData]) -> None:
    if not 1 <= len(parcels) <= MAX_PARCELS:
        raise InvalidInput(f"a shipment has 1 to {MAX_PARCELS} parcels", details={"field": "parcels"})
    for index, parcel in enumerate(parcels):
        if not 0 < parcel.weight_grams <= MAX_WEIGHT_GRAMS:
            raise InvalidInput(f"a parcel weighs between 1 g and {MAX_WEIGHT_GRAMS // 1000} kg",
                               details={"field": f"parcels.{index}.weight_grams"})
        for side in ("length_cm", "width_cm", "height_cm"):
            if not 0 < getattr(parcel, side) <= MAX_SIDE_CM:
                raise InvalidInput(f"a parcel's sides are between 1 and {MAX_SIDE_CM} cm",
                                   details={"field": f"parcels.{index}.{side}"})


@operation
def shipment_create(*, data: ShipmentData, actor: Actor) -> Shipment:
    """The shipment record of packed goods (status packed). The caller holds the order's lock
    and has checked the lines against what was picked; the number is taken last."""
    parcels_validate(data.parcels)
    if not data.lines or any(line.quantity <= 0 for line in data.lines):
        raise InvalidInput("a shipment needs at least one unit", details={"field": "lines"})
    shipment = Shipment(order_number=data.order_number, carrier=data.carrier, language=data.language,
                        customer_name=data.customer_name, shipping_address=data.shipping_address,
                        pick_run=data.pick_run, packed_by=str(actor), packed_at=clock.now())
    shipment.number = next_number(kind=NumberKind.SHIPMENT, on=clock.today())
    shipment.save(force_insert=True)
    ShipmentLine.objects.bulk_create([
        ShipmentLine(shipment=shipment, line_position=line.line_position, article=line.article,
                     sku=line.article.sku, name=line.name, quantity=line.quantity) for line in data.lines])
    Parcel.objects.bulk_create([
        Parcel(shipment=shipment, position=position, weight_grams=parcel.weight_grams, length_cm=parcel.length_cm,
               width_cm=parcel.width_cm, height_cm=parcel.height_cm)
        for position, parcel in enumerate(data.parcels, start=1)])
    record(action=AuditAction.FULFILLMENT_SHIPMENT_PACKED, obj=shipment, actor=actor, order_number=data.order_number,
           data={"lines": [{"sku": line.article.sku, "quantity": line.quantity} for line in data.lines],
                 "parcels": len(data.parcels), "carrier": data.carrier})
    return shipment


@operation
def shipment_hand_over(*, shipment: Shipment, actor: Actor) -> Shipment:
    """The parcels went to the carrier. Handing over twice is refused (409)."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status not in (ShipmentStatus.PACKED, ShipmentStatus.BOOKED):
        raise InvalidTransition(f"shipment {shipment.number} was handed over already",
                                details={"field": "shipment", "from": shipment.status, "to": ShipmentStatus.SHIPPED})
    fields = transition(shipment, to=ShipmentStatus.SHIPPED, table=SHIPMENT_TRANSITIONS,
                        action=AuditAction.FULFILLMENT_SHIPMENT_HANDED_OVER, actor=actor,
                        order_number=shipment.order_number, data={"carrier": shipment.carrier})
    shipment.save(update_fields=fields)
    return shipment
