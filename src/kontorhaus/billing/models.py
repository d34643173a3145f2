"""Invoices and credit notes are documents on their own: they copy everything they print
(seller, buyer, lines, VAT) at issue and never change afterwards (STYLE 13, GoBD)."""

from django.db import models

from kontorhaus.core import clock
from kontorhaus.core.exceptions import DocumentImmutable

from .refunds.states import CreditNoteKind
from .states import InvoiceStatus, PaymentSource

MONEY = {"max_digits": 14, "decimal_places": 2}

# The only fields an issued document may still change: its status through the state machine.
_MUTABLE_AFTER_ISSUE = frozenset({"status", "cancelled_at"})


class ImmutableDocument(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk and not kwargs.get("force_insert") and (
            update_fields is None or not set(update_fields) <= _MUTABLE_AFTER_ISSUE
        ):
            raise DocumentImmutable(f"{self._meta.verbose_name} {self} is issued and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentImmutable(f"{self._meta.verbose_name} {self} is issued and cannot be deleted")


class Invoice(ImmutableDocument):
    number = models.CharField(max_length=32, unique=True)
    order_number = models.CharField(max_length=32, db_index=True)
    customer_number = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    issue_date = models.DateField()
    delivery_date = models.DateField()
    issued_at = models.DateTimeField(default=clock.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, default="de")
    currency = models.CharField(max_length=3)
    prices_include_vat = models.BooleanField()
    tax_strategy = models.CharField(max_length=16)
    vat_case = models.CharField(max_length=24, default="domestic")  # core.vat_rules.VatCase
    payment_method = models.CharField(max_length=16)
    seller = models.JSONField()
    buyer = models.JSONField()
    shipping_address = models.JSONField(null=True, blank=True)
    tax_breakdown = models.JSONField()
    total_net = models.DecimalField(**MONEY)
    total_vat = models.DecimalField(**MONEY)
    total_gross = models.DecimalField(**MONEY)
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=InvoiceStatus.values), name="invoice_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    sku = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    tax_category = models.CharField(max_length=4)
    net = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="uniq_invoice_line_position")]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position}"

    def delete(self, *args, **kwargs):
        raise DocumentImmutable("invoice lines cannot be deleted")


class CreditNote(ImmutableDocument):
    """A correction of an invoice: a full cancellation (Stornorechnung) or a partial credit
    (a refund of part of the invoiced amount, split over its VAT rates)."""

    number = models.CharField(max_length=32, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    order_number = models.CharField(max_length=32, db_index=True)
    status = models.CharField(max_length=16, default="issued")
    kind = models.CharField(max_length=16, choices=CreditNoteKind.choices, default=CreditNoteKind.CANCELLATION)
    issue_date = models.DateField()
    issued_at = models.DateTimeField(default=clock.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, default="")
    currency = models.CharField(max_length=3)
    lines = models.JSONField()
    tax_breakdown = models.JSONField()
    total_net = models.DecimalField(**MONEY)
    total_vat = models.DecimalField(**MONEY)
    total_gross = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    order_number = models.CharField(max_length=32, db_index=True)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=16)
    source = models.CharField(max_length=16, choices=PaymentSource.choices)
    reference = models.CharField(max_length=140, blank=True, default="")
    external_id = models.CharField(max_length=128, null=True, blank=True)
    received_at = models.DateTimeField(default=clock.now)
    actor = models.CharField(max_length=120)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="uniq_payment_external_id"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="payment_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for {self.order_number}"


from .models_bank import *  # noqa: E402, F403 -- bank statement tables, in their own module
from .models_datev import *  # noqa: E402, F403 -- DATEV exports, in their own module
from .models_dunning import *  # noqa: E402, F403 -- dunning notices, in their own module
from .models_refunds import *  # noqa: E402, F403 -- refunds and SEPA exports, in their own module
