"""The lifecycles of pick runs and shipments (STYLE 9): changed only through `transition`
with these tables."""

from django.db import models


class PickRunMode(models.TextChoices):
    SINGLE = "single", "One order"
    BATCH = "batch", "Batch of orders"
    CARRIER = "carrier", "All orders of one carrier"
    SINGLE_LINE = "single_line", "Orders with one line"


class PickRunStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"  # every unit picked


PICK_RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    PickRunStatus.OPEN: frozenset({PickRunStatus.COMPLETED}),
    PickRunStatus.COMPLETED: frozenset(),
}


class ShipmentStatus(models.TextChoices):
    PACKED = "packed", "Packed"
    BOOKED = "booked", "Booked with the carrier"  # labels printed, tracking numbers known
    SHIPPED = "shipped", "Handed to the carrier"
    DELIVERED = "delivered", "Delivered"  # every parcel delivered, as the carrier reports
    RETURNED = "returned", "Returned to sender"  # the carrier brought a parcel back undelivered


# A booking can be cancelled (booked -> packed) until the parcels leave; a manual carrier's
# shipment goes from packed straight to shipped. Tracking may report delivery of a parcel the
# packer forgot to hand over: the flow hands it over first, so "delivered" always follows "shipped".
SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ShipmentStatus.PACKED: frozenset({ShipmentStatus.BOOKED, ShipmentStatus.SHIPPED}),
    ShipmentStatus.BOOKED: frozenset({ShipmentStatus.PACKED, ShipmentStatus.SHIPPED}),
    ShipmentStatus.SHIPPED: frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}),
    ShipmentStatus.DELIVERED: frozenset(),
    ShipmentStatus.RETURNED: frozenset(),
}
