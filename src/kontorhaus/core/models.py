from django.db import models


class NumberKind(models.TextChoices):
    SALES_ORDER = "sales_order", "Order"
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"
    QUOTE = "quote", "Quote"
    DUNNING = "dunning", "Dunning notice"


class NumberSequence(models.Model):
    """One row per document kind and fiscal year; locked while a number is taken (STYLE 14)."""

    kind = models.CharField(max_length=32, choices=NumberKind.choices)
    scope_year = models.PositiveIntegerField()
    prefix = models.CharField(max_length=16)
    padding = models.PositiveSmallIntegerField(default=6)
    next_value = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "scope_year"], name="uniq_sequence_kind_year")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.scope_year} next {self.next_value}"


class AuditEvent(models.Model):
    """Append-only: every state change writes one (STYLE 19); the order timeline reads them."""

    action = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=48)
    subject_id = models.CharField(max_length=48)
    order_number = models.CharField(max_length=32, blank=True, default="", db_index=True)
    actor = models.CharField(max_length=120)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}:{self.subject_id}"


class CompanyProfile(models.Model):
    """The seller as printed on every document. One row; edited in the back office later."""

    name = models.CharField(max_length=200, default="Kontorhaus Demo GmbH")
    street = models.CharField(max_length=200, default="Speicherstadt 1")
    postal_code = models.CharField(max_length=16, default="20457")
    city = models.CharField(max_length=100, default="Hamburg")
    country = models.CharField(max_length=2, default="DE")
    vat_id = models.CharField(max_length=32, blank=True, default="DE123456789")
    tax_number = models.CharField(max_length=32, blank=True, default="")
    email = models.EmailField(default="shop@kontorhaus.example")
    phone = models.CharField(max_length=40, blank=True, default="")
    iban = models.CharField(max_length=34, blank=True, default="DE02120300000000202051")
    bic = models.CharField(max_length=11, blank=True, default="BYLADEM1001")
    bank_name = models.CharField(max_length=100, blank=True, default="Demo Bank")
    register = models.CharField(max_length=100, blank=True, default="Amtsgericht Hamburg HRB 000000")
    managing_directors = models.CharField(max_length=200, blank=True, default="Erika Mustermann")

    def __str__(self) -> str:
        return self.name
