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
    SHIPPED = "shipped", "Handed to the carrier"


SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ShipmentStatus.PACKED: frozenset({ShipmentStatus.SHIPPED}),
    ShipmentStatus.SHIPPED: frozenset(),
}
