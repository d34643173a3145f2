"""Which VAT rate applies: the *case* decision, kept apart from the arithmetic in core.vat.

This slice knows German domestic supplies (19 % standard, 7 % reduced). OSS destination rates,
reverse charge, export and § 19 small business plug in here by returning other `TaxRate`s;
the documents then carry whatever rate and category this returns.
"""

from decimal import Decimal

from .vat import TaxRate, VatCategory

GERMAN_RATES = {
    "standard": TaxRate(Decimal("19.00"), VatCategory.STANDARD, "DE"),
    "reduced": TaxRate(Decimal("7.00"), VatCategory.STANDARD, "DE"),
}


def rate_for(*, vat_class: str, destination_country: str = "DE") -> TaxRate:
    return GERMAN_RATES[vat_class]


def shipping_rate(*, destination_country: str = "DE") -> TaxRate:
    """Shipping is taxed at the standard rate (documented choice; not split proportionally)."""
    return GERMAN_RATES["standard"]
