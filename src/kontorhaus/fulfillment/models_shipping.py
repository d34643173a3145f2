"""Shipments: what was packed for an order, in one or more parcels. A shipment knows its
carrier (the order's shipping method); booking it with the carrier account that serves that
method gives every parcel a tracking number and a label, and tracking fills in the parcel's
status and events (models_carriers)."""

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock

from .states_picking import ShipmentStatus


class Shipment(models.Model):
    number = models.CharField(max_length=32, unique=True)  # also the delivery note's number
    order_number = models.CharField(max_length=32, db_index=True)
    status = models.CharField(max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.PACKED)
    carrier = models.CharField(max_length=32, blank=True, default="")
    tracking_number = models.CharField(max_length=64, blank=True, default="")  # the first parcel's, for lists
    carrier_account = models.ForeignKey("fulfillment.CarrierAccount", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="shipments")
    # The last failed booking, in words for the packer; cleared by the next successful one.
    booking_error = models.TextField(blank=True, default="")
    booking_error_at = models.DateTimeField(null=True, blank=True)
    # The carrier may hold labels we do not know: a booking went unanswered (read timeout), or
    # one that could not be recorded could not be cancelled either. Booking again is refused
    # until a person has checked the carrier's portal and says so (shipment_book's
    # carrier_checked), so no second paid label is made silently.
    booking_unconfirmed = models.BooleanField(default=False)
    booked_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
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
    # The key of the tracking link template (dhl, dpd, ...): the shipment's carrier, or the one
    # named when the number was typed or imported.
    tracking_carrier = models.CharField(max_length=32, blank=True, default="")
    label_pdf = models.BinaryField(blank=True, default=b"")
    booking_warnings = models.JSONField(default=list, blank=True)
    return_tracking_number = models.CharField(max_length=64, blank=True, default="")
    return_label_pdf = models.BinaryField(blank=True, default=b"")
    # Derived from the newest tracking event with a known status (TrackingStatus values).
    tracking_status = models.CharField(max_length=24, blank=True, default="")
    last_event_text = models.CharField(max_length=300, blank=True, default="")
    last_event_at = models.DateTimeField(null=True, blank=True)
    tracking_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shipment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "position"], name="uniq_parcel_position"),
            # One carrier never gives the same number to two parcels; the lookups by number
            # (webhook, returns, import) rely on it.
            models.UniqueConstraint(fields=["tracking_carrier", "tracking_number"], condition=~models.Q(
                tracking_number=""), name="uniq_parcel_carrier_tracking_number"),
            models.CheckConstraint(condition=models.Q(weight_grams__gt=0), name="parcel_weight_positive"),
        ]
        indexes = [models.Index(fields=["tracking_number"], name="parcel_tracking_number_idx")]

    def __str__(self) -> str:
        return f"{self.shipment_id} #{self.position}"
