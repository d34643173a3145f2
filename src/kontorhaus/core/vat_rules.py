"""Which VAT applies: the *case* decision, kept apart from the arithmetic in core.vat.

The case follows from the seller's regime, the buyer and the destination, and per line from
what is sold (goods, or digital products, which are electronically supplied services):

  small business (§ 19 UStG)        E   no VAT, whatever the destination
  domestic (DE)                     S   19 % / 7 %
  EU consumer, OSS on               S   the destination country's rate (rate table)
  EU consumer, OSS off              S   German rates (goods and digital products: one threshold)
  EU business with a VAT id, goods  K   0 %, intra-community supply
  EU business, digital products     AE  reverse charge (place of supply: the buyer's country)
  non-EU, goods                     G   0 %, export
  non-EU, only digital products     O   not taxable in Germany

A buyer whose VAT id is German is a domestic buyer within the EU; an export is an export
whoever buys. Only `TaxRate`
and the case leave this module; the documents print whatever it decides.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from .exceptions import InvalidInput
from .vat import TaxRate, VatCategory
from .vat_rates import STANDARD, destination_rate

HOME = "DE"
GERMAN_RATES = {
    "standard": TaxRate(Decimal("19.00"), VatCategory.STANDARD, HOME),
    "reduced": TaxRate(Decimal("7.00"), VatCategory.STANDARD, HOME),
}
# ISO 3166 codes of the EU member states (Greece is GR here; its VAT ids start with EL).
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})
VAT_PREFIXES = frozenset({"EL" if country == "GR" else country for country in EU_COUNTRIES})
ZERO = Decimal("0.00")


class VatCase(StrEnum):
    DOMESTIC = "domestic"
    OSS = "oss"
    INTRA_COMMUNITY = "intra_community"
    REVERSE_CHARGE = "reverse_charge"
    EXPORT = "export"
    OUTSIDE_SCOPE = "outside_scope"
    SMALL_BUSINESS = "small_business"


# The invoice note each case needs (§ 14 Abs. 4 Nr. 8, § 14a UStG), in the document's language.
NOTES = {
    VatCase.SMALL_BUSINESS: {
        "de": "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet.",
        "en": "No VAT is charged (small business, § 19 UStG).",
    },
    VatCase.INTRA_COMMUNITY: {
        "de": "Steuerfreie innergemeinschaftliche Lieferung gemäß § 4 Nr. 1 Buchst. b i. V. m. § 6a UStG.",
        "en": "Tax-exempt intra-Community supply (Art. 138 Directive 2006/112/EC, § 6a UStG).",
    },
    VatCase.REVERSE_CHARGE: {
        "de": "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
        "en": "Reverse charge: VAT is owed by the recipient (Art. 196 Directive 2006/112/EC).",
    },
    VatCase.EXPORT: {
        "de": "Steuerfreie Ausfuhrlieferung gemäß § 4 Nr. 1 Buchst. a i. V. m. § 6 UStG.",
        "en": "Tax-exempt export delivery (§ 4 No. 1a, § 6 UStG).",
    },
    VatCase.OUTSIDE_SCOPE: {
        "de": "Nicht im Inland steuerbare Leistung (Leistungsort im Drittland, § 3a Abs. 5 UStG).",
        "en": "Not subject to German VAT (place of supply outside the EU, § 3a (5) UStG).",
    },
}
CATEGORY_OF_CASE = {
    VatCase.SMALL_BUSINESS: VatCategory.EXEMPT,
    VatCase.INTRA_COMMUNITY: VatCategory.INTRA_COMMUNITY,
    VatCase.REVERSE_CHARGE: VatCategory.REVERSE_CHARGE,
    VatCase.EXPORT: VatCategory.EXPORT,
    VatCase.OUTSIDE_SCOPE: VatCategory.NOT_SUBJECT,
}


@dataclass(frozen=True)
class SellerRegime:
    small_business: bool = False
    oss_enabled: bool = True


@dataclass(frozen=True)
class Buyer:
    """Where the goods go and who buys: `vat_id` only when it is a valid EU VAT id."""

    ship_to: str  # destination of goods
    resides_in: str  # the buyer's country (billing address): place of supply of digital products
    vat_id: str = ""

    @property
    def vat_country(self) -> str:
        prefix = self.vat_id[:2]
        return "GR" if prefix == "EL" else prefix


@dataclass(frozen=True)
class Supply:
    vat_class: str  # "standard" or "reduced" (German classification)
    product_category: str = ""  # catalog.ProductCategory: which rate abroad
    digital: bool = False


def normalise_vat_id(value: str, *, field: str = "vat_id") -> str:
    """An EU VAT id in compact form ("DE136695976"), or "" for none; InvalidInput when it is
    not one by syntax and check digits (VIES is not asked: this machine cannot reach it)."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        compact = eu_vat.compact(value)
        valid = compact[:2] in VAT_PREFIXES and eu_vat.is_valid(compact)
    except ValidationError:
        valid = False
    if not valid or len(value) > 32:
        raise InvalidInput(f"{value[:40]!r} is not a valid EU VAT id", details={"field": field})
    return compact


def case_for(*, seller: SellerRegime, buyer: Buyer, supply: Supply, goods_in_order: bool = True) -> VatCase:
    if seller.small_business:
        return VatCase.SMALL_BUSINESS
    business_abroad = bool(buyer.vat_id) and buyer.vat_country != HOME
    if supply.digital:
        if business_abroad:
            return VatCase.REVERSE_CHARGE
        if buyer.vat_id or buyer.resides_in == HOME:
            return VatCase.DOMESTIC
        if buyer.resides_in in EU_COUNTRIES:
            # The EUR 10,000 threshold covers distance sales and electronic services together
            # (§ 3a Abs. 5 S. 3 UStG): below it, without OSS, they are taxed here as well.
            return VatCase.OSS if seller.oss_enabled else VatCase.DOMESTIC
        # Outside the EU a digital product is not taxable here. With goods on the same invoice
        # it goes with the export (EN 16931 allows category O only on its own, BR-O-11).
        return VatCase.EXPORT if goods_in_order else VatCase.OUTSIDE_SCOPE
    if buyer.ship_to == HOME:
        return VatCase.DOMESTIC
    if buyer.ship_to not in EU_COUNTRIES:
        return VatCase.EXPORT  # tax-free whoever buys (§ 6 Abs. 1 UStG), a German business too
    if business_abroad:
        return VatCase.INTRA_COMMUNITY
    if buyer.vat_id:  # a German business taking the goods to another member state: no § 6a
        return VatCase.DOMESTIC
    return VatCase.OSS if seller.oss_enabled else VatCase.DOMESTIC


def _destination_rate(country: str, supply: Supply, on: dt.date) -> TaxRate:
    rate = None
    if supply.product_category:  # e.g. children's clothing: standard here, 0 % in Ireland
        rate = destination_rate(country=country, category=supply.product_category, on=on)
    if rate is None:
        rate = destination_rate(country=country, category=STANDARD, on=on)
    if rate is None:
        raise InvalidInput(f"the VAT rate table has no rate for {country}", details={"field": "country"})
    return TaxRate(rate, VatCategory.STANDARD if rate else VatCategory.ZERO, country)


def rate_for_case(case: VatCase, *, supply: Supply, buyer: Buyer, on: dt.date) -> TaxRate:
    if case is VatCase.DOMESTIC:
        return GERMAN_RATES["reduced" if supply.vat_class == "reduced" else "standard"]
    if case is VatCase.OSS:
        return _destination_rate(buyer.resides_in if supply.digital else buyer.ship_to, supply, on)
    return TaxRate(ZERO, CATEGORY_OF_CASE[case], HOME)


def document_case(line_cases: Iterable[VatCase]) -> VatCase:
    """The order's headline case: that of its goods, else of its first line."""
    cases = list(line_cases)
    return cases[0] if cases else VatCase.DOMESTIC


def notes_for(categories: Iterable[str], *, language: str) -> list[str]:
    """The notes a document with lines of these VAT categories must carry, in its language."""
    cases = {str(category): case for case, category in CATEGORY_OF_CASE.items()}
    seen: list[VatCase] = []
    for category in categories:
        case = cases.get(str(category))
        if case is not None and case not in seen:
            seen.append(case)
    return [NOTES[case]["en" if language == "en" else "de"] for case in seen]


def exemption_reason(category: str, *, language: str) -> str:
    """BT-120: the exemption reason text of a VAT category other than S and Z, or ""."""
    notes = notes_for([category], language=language)
    return notes[0] if notes else ""


def rate_for(*, vat_class: str) -> TaxRate:
    """German domestic rate of a VAT class (quotes and other net-priced domestic documents)."""
    return GERMAN_RATES[vat_class]
