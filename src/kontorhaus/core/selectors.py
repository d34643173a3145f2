import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import clock, numbering, vat_rates
from .models import AuditEvent, CompanyProfile, NumberFormat, NumberKind, NumberSequence, VatRate


@dataclass(frozen=True)
class NumberFormatRow:
    kind: str
    prefix: str
    pattern: str
    padding: int
    example: str  # the first number in the chosen format
    in_use_example: str  # ... in the format this year's numbers use
    locked_this_year: bool


def audit_event_list_for_order(*, order_number: str) -> list[AuditEvent]:
    """The order's timeline: every audit event recorded for it, oldest first."""
    if not order_number:
        return []
    return list(AuditEvent.objects.filter(order_number=order_number).order_by("created_at", "id"))


def company_profile_name() -> str:
    """The shop's name as the customer knows it (the seller on every document)."""
    return CompanyProfile.objects.values_list("name", flat=True).first() or CompanyProfile().name


def company_profile_get() -> CompanyProfile | None:
    """The seller's profile, or None before it was first saved."""
    return CompanyProfile.objects.order_by("pk").first()


def number_format_list() -> list[NumberFormatRow]:
    """Per document kind: the chosen format, the one this year's numbers use, and whether the
    gapless kinds already issued numbers this year (a change then waits for next year)."""
    year = clock.today().year
    chosen = {f.kind: f for f in NumberFormat.objects.all()}
    rows = {s.kind: s for s in NumberSequence.objects.filter(scope_year=year)}
    result = []
    for kind in NumberKind:
        fmt = chosen.get(kind)
        current = rows.get(kind)
        prefix, pattern, padding = ((fmt.prefix, fmt.pattern, fmt.padding) if fmt else
                                    (numbering.PREFIXES[kind], numbering.DEFAULT_PATTERN, numbering.PADDING))
        in_use = (current.prefix, current.pattern, current.padding) if current else (prefix, pattern, padding)
        result.append(NumberFormatRow(
            kind=kind, prefix=prefix, pattern=pattern, padding=padding,
            example=numbering.format_number(prefix=prefix, year=year, value=1, padding=padding, pattern=pattern),
            in_use_example=numbering.format_number(prefix=in_use[0], year=year, value=1, padding=in_use[2],
                                                   pattern=in_use[1]),
            locked_this_year=kind in numbering.GAPLESS and current is not None and current.next_value > 1,
        ))
    return result


@dataclass(frozen=True)
class VatRateRow:
    country: str
    standard: Decimal | None
    categories: dict[str, Decimal]
    source: str


def vat_rate_table(*, on: dt.date, country: str = "") -> list[VatRateRow]:
    """The rates in force on `on`, per country: the standard rate and each category's."""
    rates = VatRate.objects.filter(valid_from__lte=on).order_by("country", "category", "-valid_from")
    if country:
        rates = rates.filter(country=country.upper())
    table: dict[str, VatRateRow] = {}
    seen: set[tuple[str, str]] = set()
    for rate in rates:
        if (rate.country, rate.category) in seen:
            continue  # an older row of the same category
        seen.add((rate.country, rate.category))
        row = table.setdefault(rate.country, VatRateRow(rate.country, None, {}, rate.source))
        if rate.category == vat_rates.STANDARD:
            table[rate.country] = VatRateRow(rate.country, rate.rate, row.categories, rate.source)
        else:
            row.categories[rate.category] = rate.rate
    return list(table.values())
