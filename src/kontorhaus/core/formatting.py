"""Amounts and dates as the customer reads them, in their language (Babel)."""

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

_LOCALES = {"de": "de_DE", "en": "en_GB"}


def locale_for(language: str) -> str:
    return _LOCALES.get(language, "de_DE")


def money(amount: Decimal, currency: str, language: str) -> str:
    return format_currency(amount, currency, locale=locale_for(language))


def date(value: dt.date, language: str) -> str:
    return format_date(value, format="medium", locale=locale_for(language))


def datetime(value: dt.datetime, language: str, tz: str = "Europe/Berlin") -> str:
    return format_datetime(value, format="medium", tzinfo=tz, locale=locale_for(language))
