"""Refunds of payments and the SEPA credit transfer files (pain.001) that pay bank refunds out.

A refund is money going back: it points at the payment it refunds and, when invoiced money goes
back, at the credit note it is recorded against (an overpayment refund has none: that money was
never invoiced). When the money is on its way, a negative `Payment` is booked for it, so the
order's payment state (partially refunded, refunded) is derived like every other payment."""

import uuid

from django.db import models

from kontorhaus.core import clock

from .models import MONEY, CreditNote, Payment
from .refunds.states import RefundMethod, RefundStatus


class SepaExport(models.Model):
    """One pain.001 file as it was handed to the bank, kept so it can be downloaded again."""

    message_id = models.CharField(max_length=35, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    execution_date = models.DateField()
    transactions = models.PositiveIntegerField()
    control_sum = models.DecimalField(**MONEY)
    xml = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    actor = models.CharField(max_length=120)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message_id

    @property
    def filename(self) -> str:
        return f"{self.message_id}.xml"


class Refund(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order_number = models.CharField(max_length=32, db_index=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    credit_note = models.ForeignKey(CreditNote, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="refunds")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=8, choices=RefundMethod.choices)
    status = models.CharField(max_length=16, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    reason = models.CharField(max_length=200, blank=True, default="")
    provider_reference = models.CharField(max_length=128, blank=True, default="")  # re_…, PayPal refund id
    iban = models.CharField(max_length=34, blank=True, default="")
    account_name = models.CharField(max_length=70, blank=True, default="")
    exported_in = models.ForeignKey(SepaExport, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="refunds")
    booked_payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="booked_refund")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    requested_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    actor = models.CharField(max_length=120)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=RefundStatus.values), name="refund_status_valid"),
            models.CheckConstraint(condition=models.Q(method__in=RefundMethod.values), name="refund_method_valid"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=~models.Q(method=RefundMethod.BANK) | ~models.Q(iban=""),
                                   name="refund_bank_has_iban"),
        ]
        indexes = [models.Index(fields=["method", "status"], name="refund_method_status_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """Our id for the refund: the SEPA EndToEndId and the provider's idempotency key."""
        return self.public_id.hex


__all__ = ["Refund", "SepaExport"]
