"""The EU VAT rate table: imported from a JSON file, looked up by country, category and date.

The file format is the research table in `core/data/eu-vat-rates.json` (see
../shared/fixtures/vat/README.md): per country the standard rate, its history of changes, and
a rate per product category. A category with several rates ("4.9/10": it depends on the item)
or none verified (null) is not imported: such an article pays the destination's standard
rate until the shop adds its own row (a safe default: never less VAT than owed).
"""

import datetime as dt
import json
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from .exceptions import InvalidInput
from .models import VatRate
from .money import has_at_most_places

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "eu-vat-rates.json"
STANDARD = "standard"
# Category rows without a dated history apply from this day on (the table's notes explain
# earlier changes; documents are issued today).
BASELINE = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class ImportResult:
    countries: int
    rows: int
    skipped: tuple[str, ...]  # "AT food 4.9/10": categories without one rate


def _rate(value: object, where: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"{where}: {value!r} is not a rate", details={"field": where}) from None
    if not rate.is_finite() or not Decimal(0) <= rate < Decimal(100) or not has_at_most_places(rate, 2):
        raise InvalidInput(f"{where}: {value!r} is not a rate between 0 and 100", details={"field": where})
    return rate


def _date(value: object, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a date (YYYY-MM-DD)", details={"field": where}) from None


def _country_rows(code: str, entry: object, source: str) -> tuple[list[VatRate], list[str]]:
    if not (isinstance(code, str) and len(code) == 2 and code.isalpha() and code.isupper()):
        raise InvalidInput(f"{code!r} is not a country code", details={"field": "countries"})
    if not isinstance(entry, dict) or "standard" not in entry:
        raise InvalidInput(f"{code}: no standard rate", details={"field": f"countries.{code}.standard"})
    history = entry.get("history") or []
    categories = entry.get("categories") or {}
    if not isinstance(history, list) or not isinstance(categories, dict):
        raise InvalidInput(f"{code}: history must be a list and categories an object",
                           details={"field": f"countries.{code}"})
    rows: dict[tuple[str, dt.date], Decimal] = {}
    changes = sorted(
        (_date(h.get("from"), f"countries.{code}.history.from"),
         _rate(h["standard"], f"countries.{code}.history.standard"))
        for h in history if isinstance(h, dict) and h.get("standard") is not None
    )
    current = _rate(entry["standard"], f"countries.{code}.standard")
    # History gives the rate *after* each change; before the first one the table knows no
    # other rate, so that rate also stands for earlier dates.
    rows[(STANDARD, BASELINE)] = changes[0][1] if changes else current
    rows.update({(STANDARD, since): rate for since, rate in changes})
    if changes and changes[-1][1] != current:  # a stale history: the file's current rate wins
        rows[(STANDARD, changes[-1][0])] = current
    skipped = []
    for category, value in categories.items():
        if value is None or "/" in str(value) or str(value) == "exempt":
            skipped.append(f"{code} {category} {value}")
            continue
        rows[(str(category)[:32], BASELINE)] = _rate(value, f"countries.{code}.categories.{category}")
    return [VatRate(country=code, category=category, rate=rate, valid_from=since, source=source)
            for (category, since), rate in rows.items()], skipped


def parse_table(raw: bytes) -> tuple[list[VatRate], list[str]]:
    """The rows a rate file describes; InvalidInput names the first bad entry."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"not a JSON rate table: {exc}", details={"field": "file"}) from None
    countries = data.get("countries") if isinstance(data, dict) else None
    if not isinstance(countries, dict) or not countries:
        raise InvalidInput("the rate table has no 'countries'", details={"field": "countries"})
    source = str(data.get("as_of") or "")[:200]
    rows: list[VatRate] = []
    skipped: list[str] = []
    for code, entry in countries.items():
        country_rows, country_skipped = _country_rows(code, entry, source)
        rows += country_rows
        skipped += country_skipped
    return rows, skipped


def vat_rates_import(*, raw: bytes) -> ImportResult:
    """Replace the rate table with the file's content, all or nothing."""
    rows, skipped = parse_table(raw)
    with transaction.atomic():
        VatRate.objects.all().delete()
        VatRate.objects.bulk_create(rows)
        transaction.on_commit(cache_clear)  # the new rates, once they are there for everyone
    _cache.clear()
    return ImportResult(countries=len({r.country for r in rows}), rows=len(rows), skipped=tuple(skipped))


def vat_rates_ensure_loaded() -> None:
    """Load the shipped table when the database has none (first start, test databases)."""
    if not VatRate.objects.exists():
        vat_rates_import(raw=DEFAULT_FILE.read_bytes())


# Rates change a few times a year; a lookup per order line would cost a query each. Entries
# expire so that an import in another process (the web server) reaches the worker too.
_CACHE_SECONDS = 60
_cache: dict[tuple[str, str, dt.date], tuple[Decimal | None, float]] = {}


def _lookup(country: str, category: str, on: dt.date) -> Decimal | None:
    return (VatRate.objects.filter(country=country, category=category, valid_from__lte=on)
            .order_by("-valid_from").values_list("rate", flat=True).first())


def destination_rate(*, country: str, category: str, on: dt.date) -> Decimal | None:
    """The rate in force in `country` on `on` for `category`, or None if the table has none."""
    key = (country, category, on)
    hit = _cache.get(key)
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    rate = _lookup(country, category, on)
    if rate is None and category == STANDARD and not VatRate.objects.exists():
        vat_rates_ensure_loaded()
        rate = _lookup(country, category, on)
    _cache[key] = (rate, time.monotonic() + _CACHE_SECONDS)
    return rate


def cache_clear() -> None:
    _cache.clear()
