from django.db import models


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    CANCELLED = "cancelled", "Cancelled by credit note"


TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceStatus.ISSUED: frozenset({InvoiceStatus.CANCELLED}),
    InvoiceStatus.CANCELLED: frozenset(),
}


class PaymentSource(models.TextChoices):
    SHOP = "shop", "Paid in the shop"
    MANUAL = "manual", "Entered by hand"
    API = "api", "API"
    PSP = "psp", "Payment provider"
    BANK = "bank", "Bank statement"
