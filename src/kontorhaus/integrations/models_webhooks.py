"""Outgoing webhooks: endpoints a shop (or anything else) registers in the back office, and one
delivery row per event and endpoint — the outbox the worker sends from (STYLE 16, 18)."""

import uuid

from django.db import models

from kontorhaus.core import clock

EVENT_AVAILABILITY_CHANGED = "article.availability_changed"
WEBHOOK_EVENTS = (EVENT_AVAILABILITY_CHANGED,)


class WebhookEndpoint(models.Model):
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128)  # the shared HMAC key; shown only when set
    events = models.JSONField(default=list)  # event types it gets, e.g. ["article.availability_changed"]
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookDeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint. `body` is the JSON exactly as sent (and signed); its `id`
    is `public_id`, the same on every retry, so the receiver can drop repeats."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=64)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=WebhookDeliveryStatus.choices,
                              default=WebhookDeliveryStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=WebhookDeliveryStatus.values),
                                   name="webhook_delivery_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.endpoint_id} ({self.status})"
