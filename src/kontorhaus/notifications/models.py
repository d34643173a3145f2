import uuid

from django.db import models

from .states import OutgoingEmailStatus


class EmailTemplate(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"
    ORDER_CANCELLED = "order_cancelled", "Order cancelled"
    PAYMENT_REMINDER = "payment_reminder", "Payment reminder"
    PREPAYMENT_REMINDER = "prepayment_reminder", "Prepayment reminder"
    DIGITAL_DELIVERY = "digital_delivery", "Digital delivery"
    QUOTE = "quote", "Quote"
    PURCHASE_ORDER = "purchase_order", "Purchase order"
    WITHDRAWAL_CONFIRMATION = "withdrawal_confirmation", "Withdrawal confirmation"
    RETURN_REGISTERED = "return_registered", "Return registered"
    SHIPMENT_CONFIRMATION = "shipment_confirmation", "Shipment confirmation"
    SHIPMENT_DELAYED = "shipment_delayed", "Shipment delayed"


class OutgoingEmail(models.Model):
    """One e-mail in the outbox (STYLE 17): written rendered, in the business transaction,
    and carried out by `email_send_task`. Identified outside by `public_id`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.CharField(max_length=64, choices=EmailTemplate.choices)
    language = models.CharField(max_length=8)
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    attachments = models.JSONField(default=list, blank=True)  # [{"kind": "invoice", "number": "RE-..."}]
    related_type = models.CharField(max_length=48, blank=True, default="")
    related_ref = models.CharField(max_length=64, blank=True, default="")
    order_number = models.CharField(max_length=32, blank=True, default="", db_index=True)
    status = models.CharField(max_length=16, choices=OutgoingEmailStatus.choices, default=OutgoingEmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    message_id = models.CharField(max_length=255)
    created_at = models.DateTimeField()
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_email_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OutgoingEmailStatus.values), name="notif_email_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
