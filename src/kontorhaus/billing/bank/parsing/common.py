"""Helpers shared by the camt.053 and MT940 parsers: limits, values, and the entry key.

Entry key (what matching uses to recognise a line it has already booked):

* If the bank gave a reference for the line (camt `Ntry/AcctSvcrRef`, else `TxDtls/Refs/AcctSvcrRef`;
  MT940 the `//` bank reference of `:61:`) and that reference is unique within the statement, the key is
  `"<account>|<reference>"`, plus `"|<n>"` (1-based) for the n-th transaction of a batch entry that was
  split into its `TxDtls`. It survives re-exports of the same day, even if the file is re-ordered.
* Otherwise (no reference, `NONREF`, or the bank reused the reference on several lines, as the
  Bundesbank sample does) it is `"sha256:" + hex` over account, booking date, amount, direction,
  remittance, counterparty and end-to-end id, plus `"#<n>"` for the n-th identical line of the
  statement. Neither the statement id nor the line's position is part of it, so the same day in an
  overlapping statement (a monthly one after the daily ones) gives the same keys and books nothing
  twice; two identical transfers on one day stay distinct by their count.

Keys are at most ~80 characters and unique across accounts (the account is part of every key).
"""

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kontorhaus.billing.bank.types import ParsedTransaction, StatementFormatError
from kontorhaus.billing.refunds.iban import iban_check_digits_ok
from kontorhaus.core.money import exponent, quantize

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 200_000

_CURRENCY = re.compile(r"[A-Z]{3}")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}")
_NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_entries: int = DEFAULT_MAX_ENTRIES


@dataclass(frozen=True)
class Draft:
    """A transaction before its entry key is known (keys need the whole statement)."""

    booking_date: dt.date
    value_date: dt.date | None
    amount: Decimal
    currency: str
    credit: bool
    position: str  # "entry.detail" index in the statement, for the hash key
    ref_key: str = ""  # the bank's reference (+ "|n" for split batches); "" when none
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""
    reversal: bool = False


def check_entry_count(count: int, limits: Limits, where: str = "") -> None:
    if count > limits.max_entries:
        raise StatementFormatError(
            f"too many entries ({count}, the limit is {limits.max_entries}); split the file or raise max_entries",
            where=where,
        )


def parse_currency(text: str | None, where: str) -> str:
    value = (text or "").strip()
    if not _CURRENCY.fullmatch(value):
        raise StatementFormatError(f"invalid currency code {value!r} (expected 3 letters, e.g. EUR)", where=where)
    return value


def decimal_from(text: str, where: str, *, pattern: re.Pattern[str]) -> Decimal:
    """A non-negative Decimal from text that must fully match `pattern` (no NaN, exponents or signs)."""
    if not pattern.fullmatch(text):
        raise StatementFormatError(f"invalid amount {text!r}", where=where)
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise StatementFormatError(f"invalid amount {text!r}", where=where)


def clean_reference(value: str | None) -> str:
    """A reference, or "" for the placeholders banks use when there is none."""
    value = (value or "").strip()
    return "" if value.upper() in _NOT_PROVIDED else value


def iban_or_empty(value: str | None) -> str:
    """The IBAN without spaces if it is well-formed with valid check digits, else ""."""
    value = (value or "").replace(" ", "").upper()
    return value if _IBAN.fullmatch(value) and iban_check_digits_ok(value) else ""


def collapse_spaces(value: str) -> str:
    return " ".join(value.split())


MAX_AMOUNT = Decimal("999999999999.99")  # what the amount columns hold
MAX_ACCOUNT_LENGTH = 34  # an IBAN; other account ids are shorter


def _check(d: Draft, account: str) -> None:
    where = f"line {d.position}"
    if len(account) > MAX_ACCOUNT_LENGTH:
        raise StatementFormatError(f"account id {account[:40]!r} is longer than {MAX_ACCOUNT_LENGTH} characters")
    if d.amount > MAX_AMOUNT:
        raise StatementFormatError(f"amount {d.amount} is implausibly large", where=where)
    if quantize(d.amount, d.currency) != d.amount:
        raise StatementFormatError(
            f"amount {d.amount} has more decimals than {d.currency} has ({exponent(d.currency)})", where=where
        )


def finalize(drafts: list[Draft], *, account: str) -> tuple[ParsedTransaction, ...]:
    """Check every draft, give it its entry key (see the module docstring) and freeze it."""
    for draft in drafts:
        _check(draft, account)
    ref_counts = Counter(d.ref_key for d in drafts if d.ref_key)
    seen: Counter[str] = Counter()
    return tuple(
        ParsedTransaction(
            entry_key=_entry_key(d, account, seen, unique_ref=ref_counts[d.ref_key] == 1),
            booking_date=d.booking_date,
            value_date=d.value_date,
            amount=d.amount,
            currency=d.currency,
            credit=d.credit,
            counterparty_name=d.counterparty_name,
            counterparty_iban=d.counterparty_iban,
            remittance=d.remittance,
            end_to_end_id=d.end_to_end_id,
            bank_reference=d.bank_reference,
            reversal=d.reversal,
        )
        for d in drafts
    )


def _entry_key(d: Draft, account: str, seen: Counter[str], *, unique_ref: bool) -> str:
    if d.ref_key and unique_ref:
        return f"{account}|{d.ref_key}"
    parts = [
        account,
        d.booking_date.isoformat(),
        format(d.amount.normalize(), "f"),
        "C" if d.credit else "D",
        d.remittance,
        d.counterparty_name,
        d.counterparty_iban,
        d.end_to_end_id,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    seen[digest] += 1
    return f"sha256:{digest}#{seen[digest]}"
