"""Small readers for namespace-stripped camt elements; every error names the element path."""

import datetime as dt
import re
import xml.etree.ElementTree as ET  # noqa: S405 - types only; parsing goes through defusedxml
from decimal import Decimal

from kontorhaus.billing.bank.parsing.common import decimal_from, parse_currency
from kontorhaus.billing.bank.types import StatementFormatError

_AMOUNT = re.compile(r"\d{1,18}(\.\d{1,5})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def find(element: ET.Element | None, path: str) -> ET.Element | None:
    """`element.find(path)` for a plain `A/B/C` path, one step at a time (C speed, no ElementPath)."""
    for name in path.split("/"):
        if element is None:
            return None
        element = element.find(name)
    return element


def find_text(element: ET.Element, path: str) -> str:
    found = find(element, path)
    return (found.text or "").strip() if found is not None else ""


def amount_of(element: ET.Element, where: str, path: str = "Amt") -> tuple[Decimal, str]:
    """The `<Amt Ccy="EUR">12.34</Amt>` child at `path`: (amount >= 0, currency)."""
    node = find(element, path)
    where = f"{where}/{path}"
    if node is None:
        raise StatementFormatError("missing amount", where=where)
    amount = decimal_from((node.text or "").strip(), where, pattern=_AMOUNT)
    return amount, parse_currency(node.get("Ccy"), f"{where}/@Ccy")


def parse_date(text: str, where: str) -> dt.date:
    """An ISO date, or the date part of an ISO date-time."""
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        return parse_datetime(text, where).date()
    except ValueError:
        raise StatementFormatError(f"invalid date {text!r}", where=where)


def parse_datetime(text: str, where: str) -> dt.datetime:
    """ISO date-time; fractions longer than microseconds (Bundesbank: 7 digits) are cut.

    Without a UTC offset in the file the result is naive (the bank's local time).
    """
    match = _DATETIME.fullmatch(text)
    if not match:
        raise StatementFormatError(f"invalid date-time {text!r}", where=where)
    base, fraction, zone = match.groups()
    normalised = base + (fraction or "")[:7] + ("+00:00" if zone == "Z" else zone or "")
    try:
        return dt.datetime.fromisoformat(normalised)
    except ValueError:
        raise StatementFormatError(f"invalid date-time {text!r}", where=where)
