"""Events that payment providers and shops send us, stored raw once per (provider, event id):
a delivery the sender repeats finds its row and changes nothing (STYLE 18)."""

from django.db import models

from kontorhaus.core import clock


class InboundEventStatus(models.TextChoices):
    RECEIVED = "received", "Received"  # stored, not processed yet (never committed while processing inline)
    PROCESSED = "processed", "Processed"
    PARKED = "parked", "Parked for review"
    IGNORED = "ignored", "Ignored"


class InboundEvent(models.Model):
    provider = models.CharField(max_length=32)  # "stripe", "paypal"
    external_id = models.CharField(max_length=128)  # Stripe evt_…, PayPal WH-…
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=clock.now)
    body = models.TextField()  # the raw body, exactly as signed
    headers = models.JSONField(default=dict)  # the signature headers and the sender's user agent
    status = models.CharField(max_length=16, choices=InboundEventStatus.choices, default=InboundEventStatus.RECEIVED)
    reason = models.CharField(max_length=300, blank=True, default="")
    order_number = models.CharField(max_length=32, blank=True, default="", db_index=True)
    payment_external_id = models.CharField(max_length=128, blank=True, default="")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="uniq_inbound_event_provider_id"),
            models.CheckConstraint(condition=models.Q(status__in=InboundEventStatus.values),
                                   name="inbound_event_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "-received_at"], name="inbound_event_status_idx")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.external_id}"


class InboundDelivery(models.Model):
    """A signed delivery we accepted, by the sender's transmission id (PayPal's
    PAYPAL-TRANSMISSION-ID) and the SHA-256 of its body. PayPal's signature covers only a CRC32
    of the body, so a transmission id (and the signature that names it) is good for the one body
    it came with: the same body again is a repeat, another body is a forgery and refused."""

    provider = models.CharField(max_length=32)
    transmission_id = models.CharField(max_length=128)
    body_sha256 = models.CharField(max_length=64)
    external_id = models.CharField(max_length=128)  # the event it carried
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "transmission_id"], name="uniq_inbound_delivery_transmission"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.transmission_id}"


from .models_webhooks import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401 -- models in their own module
