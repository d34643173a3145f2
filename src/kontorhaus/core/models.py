from django.db import models


class NumberKind(models.TextChoices):
    SALES_ORDER = "sales_order", "Order"
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"
    QUOTE = "quote", "Quote"
    DUNNING = "dunning", "Dunning notice"
    PURCHASE_ORDER = "purchase_order", "Purchase order"
    PICK_RUN = "pick_run", "Pick run"
    SHIPMENT = "shipment", "Shipment (delivery note)"
    RETURN = "return", "Return (RMA)"


class NumberSequence(models.Model):
    """One row per document kind and fiscal year; locked while a number is taken (STYLE 14)."""

    kind = models.CharField(max_length=32, choices=NumberKind.choices)
    scope_year = models.PositiveIntegerField()
    prefix = models.CharField(max_length=16)
    padding = models.PositiveSmallIntegerField(default=6)
    # How a number is written: {prefix}, {year} and {number} (the counter, zero-padded).
    pattern = models.CharField(max_length=64, default="{prefix}-{year}-{number}")
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


class NumberFormat(models.Model):
    """The shop's choice of prefix and pattern per document kind. A year's counter row copies
    it when the year's first number is taken, so a change applies from the next year on (or
    to the current year, when no number of that kind was issued in it yet)."""

    kind = models.CharField(max_length=32, choices=NumberKind.choices, unique=True)
    prefix = models.CharField(max_length=16)
    pattern = models.CharField(max_length=64, default="{prefix}-{year}-{number}")
    padding = models.PositiveSmallIntegerField(default=6)

    def __str__(self) -> str:
        return f"{self.kind}: {self.pattern}"


class CompanyProfile(models.Model):
    """The seller as printed on every document. One row, edited in the back office."""

    name = models.CharField(max_length=200, default="Kontorhaus Demo GmbH")
    street = models.CharField(max_length=200, default="Speicherstadt 1")
    postal_code = models.CharField(max_length=16, default="20457")
    city = models.CharField(max_length=100, default="Hamburg")
    country = models.CharField(max_length=2, default="DE")
    vat_id = models.CharField(max_length=32, blank=True, default="DE123456788")
    tax_number = models.CharField(max_length=32, blank=True, default="")
    email = models.EmailField(default="shop@kontorhaus.example")
    phone = models.CharField(max_length=40, blank=True, default="")
    iban = models.CharField(max_length=34, blank=True, default="DE02120300000000202051")
    bic = models.CharField(max_length=11, blank=True, default="BYLADEM1001")
    bank_name = models.CharField(max_length=100, blank=True, default="Demo Bank")
    register = models.CharField(max_length=100, blank=True, default="Amtsgericht Hamburg HRB 000000")
    register_court = models.CharField(max_length=100, blank=True, default="Amtsgericht Hamburg")
    register_number = models.CharField(max_length=40, blank=True, default="HRB 000000")
    managing_directors = models.CharField(max_length=200, blank=True, default="Erika Mustermann")
    contact_name = models.CharField(max_length=120, blank=True, default="Buchhaltung")
    website = models.CharField(max_length=200, blank=True, default="")
    # VAT regime of the seller (core.vat_rules decides the VAT case from these):
    # § 19 UStG small business: no VAT on any invoice.
    small_business = models.BooleanField(default=False)
    # One-Stop-Shop: EU consumers pay their own country's VAT. Off for sellers under the
    # EUR 10,000 threshold who did not opt in; digital products use the destination rate anyway.
    oss_enabled = models.BooleanField(default=True)
    # Printed documents: logo (PNG, JPEG or SVG) and accent colour.
    logo = models.BinaryField(blank=True, default=b"", editable=True)
    logo_content_type = models.CharField(max_length=32, blank=True, default="")
    # SHA-256 of `logo`, so the PDF path can tell whether its cached logo is current
    # without reading the blob (documents.branding).
    logo_sha256 = models.CharField(max_length=64, blank=True, default="")
    accent_colour = models.CharField(max_length=7, default="#1f4e79")

    def __str__(self) -> str:
        return self.name


class VatRate(models.Model):
    """One row of the EU rate table: a country's rate for a category from a date on.

    `category` is "standard" or a product category key (catalog.ProductCategory). Maintained
    as data (`kontorhaus vat-rates import FILE`, back office), never in code."""

    country = models.CharField(max_length=2)
    category = models.CharField(max_length=32)
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    valid_from = models.DateField()
    source = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["country", "category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["country", "category", "valid_from"], name="uniq_vat_rate_from"),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.category} {self.rate} % from {self.valid_from}"


class LogoArchive(models.Model):
    """Every logo the profile ever had, by its SHA-256: an issued document names the logo it
    was issued with (seller snapshot `logo_sha256`) and is printed with that one, also after
    the profile got a new logo. Never deleted."""

    sha256 = models.CharField(max_length=64, unique=True)
    content = models.BinaryField()
    content_type = models.CharField(max_length=32)
    stored_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256[:12]
