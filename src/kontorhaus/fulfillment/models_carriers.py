"""Carrier accounts, tracking events and the alerts tracking raises.

A carrier account is how this shop ships with one carrier: the adapter kind (DHL Parcel DE or
manual), the order shipping methods it serves, the API addresses (configuration: sandbox,
production or the local fake), the billing number and product, and the credentials —
encrypted with Fernet (services_carriers), shown again only as "set …1234"."""

from django.db import models

from kontorhaus.core import clock

from .models_shipping import Parcel


class CarrierKind(models.TextChoices):
    DHL_PARCEL_DE = "dhl_parcel_de", "DHL Parcel DE (API)"
    MANUAL = "manual", "Manual (tracking number typed or imported)"


class CarrierAccount(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=CarrierKind.choices)
    tracking_carrier = models.CharField(max_length=32)  # key of data/tracking_url_templates.json
    # Order shipping methods this account books ("dhl-paket", "DHL", ...), compared case-insensitively.
    shipping_methods = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    api_base_url = models.CharField(max_length=200, blank=True, default="")
    auth_url = models.CharField(max_length=200, blank=True, default="")
    tracking_base_url = models.CharField(max_length=200, blank=True, default="")
    returns_base_url = models.CharField(max_length=200, blank=True, default="")
    auth_mode = models.CharField(max_length=8, default="oauth")  # "oauth" (password grant) or "basic"
    billing_number = models.CharField(max_length=14, blank=True, default="")
    product = models.CharField(max_length=16, blank=True, default="")
    return_billing_number = models.CharField(max_length=14, blank=True, default="")
    return_receiver_id = models.CharField(max_length=32, blank=True, default="")
    returns_enabled = models.BooleanField(default=False)
    credentials_encrypted = models.TextField(blank=True, default="")  # a Fernet token of the JSON
    credentials_hint = models.JSONField(default=dict, blank=True)  # field -> last four characters
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=CarrierKind.values), name="carrier_account_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class TrackingEventSource(models.TextChoices):
    POLL = "poll", "Fetched"
    WEBHOOK = "webhook", "Pushed by the carrier"
    MANUAL = "manual", "Entered"


class TrackingEvent(models.Model):
    """One scan of a parcel as the carrier reported it. The same event fetched again or pushed
    twice is the same row: (parcel, time, carrier code) is unique."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="tracking_events")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=24)  # carriers.base.TrackingStatus
    code = models.CharField(max_length=40)  # the carrier's own code
    text = models.CharField(max_length=300, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    problem = models.CharField(max_length=16, blank=True, default="")
    source = models.CharField(max_length=8, choices=TrackingEventSource.choices)
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "occurred_at", "code"], name="uniq_tracking_event"),
        ]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.occurred_at:%Y-%m-%d %H:%M} {self.status}"


class TrackingAlertKind(models.TextChoices):
    STALE = "stale", "No movement"
    RETURNED = "returned", "Returned to sender"
    DAMAGED = "damaged", "Damaged"
    ADDRESS = "address", "Address problem"
    FAILURE = "failure", "Delivery problem"


class TrackingAlert(models.Model):
    """A parcel that needs a person: shown in the back office until resolved. One open alert per
    parcel and kind, so polling the same problem again raises nothing new."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="alerts")
    order_number = models.CharField(max_length=32, db_index=True)
    kind = models.CharField(max_length=16, choices=TrackingAlertKind.choices)
    message = models.CharField(max_length=300)
    raised_at = models.DateTimeField(default=clock.now)
    customer_notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "kind"], condition=models.Q(resolved_at__isnull=True),
                                    name="uniq_open_tracking_alert"),
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.kind}"


class CarrierReturnLabel(models.Model):
    """A return label booked for one return of an order (the customer prints it from the
    portal); its tracking number identifies that return's parcel when it arrives back. A DHL
    label serves one parcel, so each return has its own; the Retoure label booked with the
    outbound parcel is recorded here too once the first return claims it. Labels made before
    returns had their own have no return number."""

    order_number = models.CharField(max_length=32, db_index=True)
    return_number = models.CharField(max_length=32, blank=True, default="", db_index=True)
    account = models.ForeignKey(CarrierAccount, on_delete=models.PROTECT, related_name="return_labels")
    tracking_number = models.CharField(max_length=64, unique=True)
    label_pdf = models.BinaryField()
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.CharField(max_length=120)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # one label per return: a second request for the same return (two tabs) cannot keep another
            models.UniqueConstraint(fields=["return_number"], condition=~models.Q(return_number=""),
                                    name="uniq_return_label_per_return"),
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.tracking_number}"
