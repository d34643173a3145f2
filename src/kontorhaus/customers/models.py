from django.db import models

from kontorhaus.core import clock


class Customer(models.Model):
    """A buyer, found again by e-mail. Orders and invoices copy what they need (STYLE 13)."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True, default="")
    vat_id = models.CharField(max_length=32, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    language = models.CharField(max_length=8, default="de")
    street = models.CharField(max_length=200, blank=True, default="")
    postal_code = models.CharField(max_length=16, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="DE")
    # Purchase on account: the most this customer may owe on unpaid orders before further
    # orders wait for payment. Empty: no limit.
    credit_limit = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # E-invoice wish: empty (Factur-X PDF only), or XRechnung as CII or UBL XML beside it.
    einvoice_format = models.CharField(max_length=16, blank=True, default="",
                                       choices=[("", "PDF (Factur-X)"), ("xrechnung_cii", "XRechnung (CII)"),
                                                ("xrechnung_ubl", "XRechnung (UBL)")])
    # Buyer reference (BT-10): the Leitweg-ID of a public-sector buyer, or what a business asks for.
    buyer_reference = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def number(self) -> str:
        return f"K-{self.pk:06d}"

    @property
    def is_business(self) -> bool:
        return bool(self.company or self.vat_id)
