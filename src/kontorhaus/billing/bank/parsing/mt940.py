"""MT940 (SWIFT customer statement, German bank flavour) into ParsedStatements.

Written by hand rather than with the `mt-940` package so that every error names the line it comes
from. The text is split into fields (`:TAG:` at the start of a line; other lines continue the field,
since banks wrap at 65 characters anywhere). `:20:` starts a statement; `:25:`, `:60F:`/`:60M:` and
`:62F:`/`:62M:` are required; each `:61:` is one transaction, detailed by the `:86:` right after it.
SWIFT envelopes (`{1:…}{2:…}{4:` … `-}`) and unknown fields (`:NS:`, `:21:`, `:64:`, …) are skipped.

`account_iban` is the `:25:` value as given: an IBAN, or `BLZ/Kontonummer` for older German exports.
`statement_id` is `:20:` plus `/` and `:28C:` (the statement number), as `:20:` alone is often a
constant such as `STARTUMS`. MT940 has no creation time, so `created_at` is None.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kontorhaus.billing.bank.parsing.common import Draft, Limits, check_entry_count, finalize
from kontorhaus.billing.bank.parsing.mt940_fields import (
    Balance,
    Details,
    parse_balance,
    parse_details,
    parse_line,
)
from kontorhaus.billing.bank.types import ParsedStatement, StatementFormatError

_TAG = re.compile(r":(\d\d[A-Z]?|NS):")


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str]

    @property
    def value(self) -> str:
        return "".join(self.lines)

    @property
    def where(self) -> str:
        return f"line {self.line}"


@dataclass
class _Builder:
    reference: str
    line: int
    account: str = ""
    number: str = ""
    opening: Balance | None = None
    closing: Balance | None = None
    lines: list[tuple[_Field, _Field | None]] = field(default_factory=list)


def parse_mt940(text: str, limits: Limits) -> list[ParsedStatement]:
    fields = _fields(text)
    check_entry_count(sum(1 for f in fields if f.tag == "61"), limits)
    statements: list[ParsedStatement] = []
    current: _Builder | None = None
    for index, fld in enumerate(fields):
        if fld.tag == "20":
            if current:
                statements.append(_finish(current))
            current = _Builder(reference=fld.value.strip(), line=fld.line)
        elif current is None:
            raise StatementFormatError(f"expected :20: (start of a statement), found :{fld.tag}:", where=fld.where)
        else:
            _add(current, fld, fields[index + 1] if index + 1 < len(fields) else None)
    if current is None:
        raise StatementFormatError("no MT940 statement (:20:) found", where="line 1")
    statements.append(_finish(current))
    return statements


def _fields(text: str) -> list[_Field]:
    fields: list[_Field] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if line.startswith("{"):
            line = line.partition("{4:")[2]
        if line.strip() in ("", "-", "-}"):
            continue
        match = _TAG.match(line)
        if match:
            fields.append(_Field(tag=match[1], line=number, lines=[line[match.end() :]]))
        elif fields:
            fields[-1].lines.append(line)
        else:
            raise StatementFormatError("expected an MT940 field such as :20:", where=f"line {number}")
    return fields


def _add(builder: _Builder, fld: _Field, following: _Field | None) -> None:
    tag = fld.tag
    if tag == "25":
        builder.account = fld.value.strip()
    elif tag in ("28", "28C"):
        builder.number = fld.value.strip()
    elif tag in ("60F", "60M"):
        builder.opening = parse_balance(tag, fld.value, fld.where)
    elif tag in ("62F", "62M"):
        builder.closing = parse_balance(tag, fld.value, fld.where)
    elif tag == "61":
        details = following if following is not None and following.tag == "86" else None
        builder.lines.append((fld, details))


def _finish(builder: _Builder) -> ParsedStatement:
    where = f"line {builder.line}"
    start = f"the statement starting at line {builder.line} (:20:{builder.reference})"
    if not builder.account:
        raise StatementFormatError(f"{start} has no account (:25:)", where=where)
    if builder.opening is None:
        raise StatementFormatError(f"{start} has no opening balance (:60F:)", where=where)
    if builder.closing is None:
        raise StatementFormatError(f"{start} has no closing balance (:62F:); is the file truncated?", where=where)
    currency = builder.opening.currency
    if builder.closing.currency != currency:
        raise StatementFormatError(
            f"{start}: closing balance is in {builder.closing.currency}, opening in {currency}", where=where
        )
    statement_id = f"{builder.reference}/{builder.number}" if builder.number else builder.reference
    drafts = [
        draft
        for position, (line, details) in enumerate(builder.lines, start=1)
        if (draft := _draft(line, details, currency, position)) is not None
    ]
    return ParsedStatement(
        format="mt940",
        statement_id=statement_id,
        account_iban=builder.account,
        currency=currency,
        created_at=None,
        opening_balance=builder.opening.amount,
        closing_balance=builder.closing.amount,
        transactions=finalize(drafts, account=builder.account),
    )


def _draft(line_field: _Field, details_field: _Field | None, currency: str, position: int) -> Draft | None:
    line = parse_line(line_field.lines[0], line_field.where)
    if line.amount == Decimal(0):
        return None
    details = parse_details(details_field.value) if details_field else Details()
    return Draft(
        booking_date=line.booking_date,
        value_date=line.value_date,
        amount=line.amount,
        currency=currency,
        credit=line.credit,
        reversal=line.reversal,
        position=str(position),
        ref_key=line.bank_reference,
        bank_reference=line.bank_reference,
        counterparty_name=details.name,
        counterparty_iban=details.iban,
        remittance=details.remittance,
        end_to_end_id=details.end_to_end_id,
    )
