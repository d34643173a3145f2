"""Shipments: what was packed for an order, in one or more parcels. Booking with a carrier
comes later: a shipment knows its carrier (the order's shipping method) and leaves the
tracking number empty until then."""

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock

from .states_picking import ShipmentStatus


class Shipment(models.Model):
    number = models.CharField(max_length=32, unique=True)  # also the delivery note's number
    order_number = models.CharField(max_length=32, db_index=True)
    status = models.CharField(max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.PACKED)
    carrier = models.CharField(max_length=32, blank=True, default="")
    tracking_number = models.CharField(max_length=64, blank=True, default="")  # set by carrier booking
    pick_run = models.CharField(max_length=32, blank=True, default="")
    language = models.CharField(max_length=8, default="de")
    # Copied from the order when packed: the delivery note stays what went into the parcel.
    customer_name = models.CharField(max_length=200)
    shipping_address = models.JSONField()
    packed_at = models.DateTimeField(default=clock.now)
    packed_by = models.CharField(max_length=120)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-packed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ShipmentStatus.values), name="shipment_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line_position = models.PositiveSmallIntegerField()
    article = models.ForeignKey(Article, on_delete=models.PROTECT)
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["shipment", "line_position"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line_position"], name="uniq_shipment_line"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="shipment_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}/{self.line_position} {self.quantity} x {self.sku}"


class Parcel(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="parcels")
    position = models.PositiveSmallIntegerField()
    weight_grams = models.PositiveIntegerField()
    length_cm = models.PositiveSmallIntegerField()
    width_cm = models.PositiveSmallIntegerField()
    height_cm = models.PositiveSmallIntegerField()
    tracking_number = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["shipment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "position"], name="uniq_parcel_position"),
            models.CheckConstraint(condition=models.Q(weight_grams__gt=0), name="parcel_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} #{self.position}"
