"""The MT940 fields that carry data: balances (:60F: :62F:), statement lines (:61:) and :86: details.

:86: in the German (DFÜ-Abkommen) layout is `GVC?00Buchungstext?10Primanota?20…?29 Verwendungszweck
?30 BLZ/BIC ?31 Konto/IBAN ?32?33 Name ?34 …`. The `?2x` parts are at most 27 characters and banks cut
them anywhere, so a full-length part is glued to the next one; after a shorter one there is a real break
(a space in the text, and the end of an id such as EREF+).
The SEPA keywords inside (EREF+ KREF+ MREF+ CRED+ SVWZ+ ABWA+ …) are split out of the joined text:
EREF+ becomes the end-to-end id, SVWZ+ the remittance (without SVWZ+, the remaining free text is used).
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.billing.bank.parsing.common import clean_reference, collapse_spaces, decimal_from, iban_or_empty
from kontorhaus.billing.bank.types import StatementFormatError

_AMOUNT = re.compile(r"\d{1,15},\d{0,5}")
_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>\d{6})(?P<ccy>[A-Z]{3})(?P<amount>\d{1,15},\d{0,5})")
_LINE = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?(?P<amount>\d{1,15},\d{0,5})"
    r"(?P<type>[NSF])(?P<code>[A-Z0-9]{3})(?P<rest>.*)"
)
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|BREF|RREF|PURP)\+")
_IDENTIFIERS = {"EREF", "KREF", "MREF", "CRED", "DEBT"}
_NOT_REMITTANCE = {"EREF", "MREF", "CRED", "DEBT", "ABWA", "ABWE"}
_PART_WIDTH = 27


@dataclass(frozen=True)
class Balance:
    amount: Decimal  # signed
    currency: str
    date: dt.date


@dataclass(frozen=True)
class StatementLine:
    value_date: dt.date
    booking_date: dt.date
    amount: Decimal
    credit: bool
    reversal: bool
    bank_reference: str


@dataclass(frozen=True)
class Details:
    name: str = ""
    iban: str = ""
    remittance: str = ""
    end_to_end_id: str = ""


def parse_balance(tag: str, value: str, where: str) -> Balance:
    match = _BALANCE.fullmatch(value.strip())
    if not match:
        raise StatementFormatError(
            f"invalid :{tag}: balance {value.strip()!r} "
            "(expected C/D, YYMMDD, currency, amount, e.g. C230209EUR100,00)",
            where=where,
        )
    amount = decimal_from(match["amount"], where, pattern=_AMOUNT)
    return Balance(
        amount=-amount if match["mark"] == "D" else amount,
        currency=match["ccy"],
        date=_yymmdd(match["date"], where),
    )


def parse_line(first_line: str, where: str) -> StatementLine:
    match = _LINE.fullmatch(first_line.strip())
    if not match:
        raise StatementFormatError(
            f"invalid :61: statement line {first_line.strip()!r} (expected YYMMDD[MMDD], C/D/RC/RD, amount with "
            "a decimal comma, N/S/F + 3-character type, reference)",
            where=where,
        )
    value_date = _yymmdd(match["value"], where)
    booking_date = _entry_date(match["entry"], value_date, where) if match["entry"] else value_date
    mark = match["mark"]
    _customer_ref, _sep, bank_ref = match["rest"].partition("//")
    return StatementLine(
        value_date=value_date,
        booking_date=booking_date,
        amount=decimal_from(match["amount"], where, pattern=_AMOUNT),
        credit=mark in ("C", "RD"),  # RD: reversal of a debit = money back in
        reversal=mark.startswith("R"),
        bank_reference=clean_reference(bank_ref.strip()[:16]),
    )


def parse_details(text: str) -> Details:
    text = text.strip()
    separator = text[3:4]
    if len(text) > 4 and text[:3].isdigit() and not separator.isalnum() and not separator.isspace():
        return _structured(text[3:], separator)
    if text.startswith("999"):
        text = text[3:]
    return _with_sepa_keys(Details(), collapse_spaces(text))


def _structured(body: str, separator: str) -> Details:
    pieces = re.split(rf"{re.escape(separator)}(\d\d)", body)
    parts = list(zip(pieces[1::2], pieces[2::2], strict=True))
    remittance = _join(value for code, value in parts if "20" <= code <= "29" or "60" <= code <= "63")
    name = _join(value for code, value in parts if code in ("32", "33")).replace("\n", " ")
    iban = next((value for code, value in parts if code == "31"), "")
    return _with_sepa_keys(Details(name=collapse_spaces(name), iban=iban_or_empty(iban)), remittance)


def _join(parts) -> str:
    """Glue full-width parts directly; after a shorter part (a real break) put a newline."""
    text = ""
    previous_width = _PART_WIDTH
    for part in parts:
        text += ("\n" if previous_width < _PART_WIDTH else "") + part
        previous_width = len(part)
    return text


def _with_sepa_keys(details: Details, text: str) -> Details:
    matches = list(_SEPA_KEY.finditer(text))
    if not matches:
        return Details(details.name, details.iban, collapse_spaces(text), "")
    values: dict[str, str] = {}
    free = [text[: matches[0].start()]]
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = text[match.end() : following.start() if following else len(text)]
        if match[1] in _IDENTIFIERS:  # an id ends at a real break; what follows is free text
            value, _sep, rest = value.partition("\n")
            free.append(rest)
        values.setdefault(match[1], collapse_spaces(value))
    free_text = collapse_spaces(" ".join(free))
    remittance = values.get("SVWZ") or " ".join(
        v for v in [free_text, *(v for k, v in values.items() if k not in _NOT_REMITTANCE)] if v
    )
    return Details(details.name, details.iban, remittance, clean_reference(values.get("EREF")))


def _yymmdd(text: str, where: str) -> dt.date:
    year = int(text[:2])
    try:
        return dt.date(2000 + year if year < 80 else 1900 + year, int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise StatementFormatError(f"invalid date {text!r} (expected YYMMDD)", where=where)


def _entry_date(mmdd: str, value_date: dt.date, where: str) -> dt.date:
    """The booking date has no year; take the value date's year, moved by one at a year boundary."""
    try:
        candidate = dt.date(value_date.year, int(mmdd[:2]), int(mmdd[2:]))
        if (candidate - value_date).days > 180:
            candidate = candidate.replace(year=candidate.year - 1)
        elif (value_date - candidate).days > 180:
            candidate = candidate.replace(year=candidate.year + 1)
    except ValueError:
        raise StatementFormatError(f"invalid booking date {mmdd!r} (expected MMDD)", where=where)
    return candidate
