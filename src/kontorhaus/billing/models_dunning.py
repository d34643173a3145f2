"""Dunning notices and prepayment reminders. Each is written once: a (invoice, level) pair and
an order's reminder are unique, so a dunning run that is repeated sends nothing twice."""

from django.db import models

from kontorhaus.core import clock

from .models import MONEY, ImmutableDocument, Invoice


class DunningNotice(ImmutableDocument):
    """A payment reminder (Zahlungserinnerung / Mahnung) for an overdue invoice. The fee is
    printed on the letter only; the issued invoice is never changed (GoBD)."""

    number = models.CharField(max_length=32, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="dunning_notices")
    order_number = models.CharField(max_length=32, db_index=True)
    level = models.PositiveSmallIntegerField()
    issue_date = models.DateField()
    due_date = models.DateField()  # the invoice's due date
    pay_by = models.DateField()
    amount_due = models.DecimalField(**MONEY)  # open on the invoice at issue, without the fee
    fee = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=8)
    seller = models.JSONField()  # copied at issue, like an invoice's
    template = models.CharField(max_length=64)
    email_public_id = models.UUIDField(null=True, blank=True)  # the OutgoingEmail that carries it
    issued_at = models.DateTimeField(default=clock.now)
    actor = models.CharField(max_length=120)

    class Meta:
        ordering = ["invoice_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="uniq_dunning_notice_invoice_level"),
            models.CheckConstraint(condition=models.Q(level__gte=1), name="dunning_notice_level_positive"),
            models.CheckConstraint(condition=models.Q(fee__gte=0), name="dunning_notice_fee_not_negative"),
            models.CheckConstraint(condition=models.Q(amount_due__gt=0), name="dunning_notice_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class PrepaymentReminder(models.Model):
    """The one reminder an unpaid prepayment order gets before it is cancelled."""

    order_number = models.CharField(max_length=32)
    sent_on = models.DateField()
    cancel_on = models.DateField()  # announced in the e-mail
    amount_due = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    email_public_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    actor = models.CharField(max_length=120)

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order_number"], name="uniq_prepayment_reminder_order"),
        ]

    def __str__(self) -> str:
        return f"reminder {self.order_number}"


__all__ = ["DunningNotice", "PrepaymentReminder"]
