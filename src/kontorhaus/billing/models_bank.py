"""Imported bank statements and their lines. A line is stored once per account and entry key,
so importing the same statement again (or an overlapping one) adds nothing."""

from django.db import models

from kontorhaus.core import clock

from .models import MONEY, Payment


class BankTransactionStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    REVIEW = "review", "Waiting for review"
    IGNORED = "ignored", "Ignored"
    DUPLICATE = "duplicate", "Already imported"  # only in import results, never stored


class BankStatement(models.Model):
    statement_id = models.CharField(max_length=140)
    account_iban = models.CharField(max_length=34)
    format = models.CharField(max_length=32)
    currency = models.CharField(max_length=3)
    file_sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=clock.now)
    actor = models.CharField(max_length=120)
    lines_total = models.PositiveIntegerField(default=0)
    lines_booked = models.PositiveIntegerField(default=0)
    lines_review = models.PositiveIntegerField(default=0)
    lines_ignored = models.PositiveIntegerField(default=0)
    lines_duplicate = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account_iban", "statement_id", "file_sha256"],
                                    name="uniq_bank_statement_file"),
        ]

    def __str__(self) -> str:
        return f"{self.account_iban} {self.statement_id}"


class BankTransaction(models.Model):
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="transactions")
    account_iban = models.CharField(max_length=34)  # denormalised for the uniqueness below
    entry_key = models.CharField(max_length=140)
    booking_date = models.DateField()
    value_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    credit = models.BooleanField()
    counterparty_name = models.CharField(max_length=140, blank=True, default="")
    counterparty_iban = models.CharField(max_length=34, blank=True, default="")
    remittance = models.TextField(blank=True, default="")
    end_to_end_id = models.CharField(max_length=140, blank=True, default="")
    status = models.CharField(max_length=16, choices=BankTransactionStatus.choices)
    match_confidence = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    suggestions = models.JSONField(default=list, blank=True)  # [{"invoice", "score", "reason"}]
    reason = models.CharField(max_length=300, blank=True, default="")
    payments = models.ManyToManyField(Payment, through="BankTransactionPayment", related_name="bank_transactions")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["booking_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account_iban", "entry_key"], name="uniq_bank_transaction_entry"),
            models.CheckConstraint(
                condition=models.Q(status__in=["booked", "review", "ignored"]), name="bank_transaction_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="bank_transaction_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "booking_date"], name="bank_tx_status_idx")]

    def __str__(self) -> str:
        return f"{self.account_iban}:{self.entry_key}"


class BankTransactionPayment(models.Model):
    """A payment booked from a bank line; a transfer for several invoices books several."""

    transaction = models.ForeignKey(BankTransaction, on_delete=models.PROTECT, related_name="bookings")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="bank_booking")
    invoice_number = models.CharField(max_length=32)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.transaction_id} -> {self.invoice_number}"


__all__ = ["BankStatement", "BankTransaction", "BankTransactionPayment", "BankTransactionStatus"]
