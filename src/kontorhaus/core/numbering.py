"""Document numbers, per kind and fiscal year.

Invoices and credit notes are gapless (GoBD): one counter row per kind and year, taken inside
the caller's transaction with a single locking UPDATE ... RETURNING. The row stays locked until
the caller commits, so take the number last; a rolled-back transaction gives it back.

Order and quote numbers may have gaps. On PostgreSQL they come from a native sequence per kind
and year, which never blocks: with the counter row, every order intake waited for the previous
one's commit (measured: half of all PostgreSQL backends waiting on that row under load). On
SQLite, where writers are serialised anyway, they use the counter row like the gapless kinds.

How a number is written (prefix, pattern, padding) is kept on the year's counter row, which
copies the shop's NumberFormat (or the built-in default) when the year's first number is
taken; on PostgreSQL the non-gapless kinds keep that row only for the format. A pattern
without {year} does not restart at 1 in a new year: its counter carries on from the highest
one before, so numbers never repeat.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import Max

from .exceptions import InvalidInput, NumberingUnavailable
from .models import NumberFormat, NumberKind, NumberSequence

PREFIXES = {
    NumberKind.SALES_ORDER: "AU",
    NumberKind.INVOICE: "RE",
    NumberKind.CREDIT_NOTE: "GS",
    NumberKind.QUOTE: "AN",
    NumberKind.DUNNING: "MA",
    NumberKind.PURCHASE_ORDER: "BE",  # Bestellung
    NumberKind.PICK_RUN: "KO",  # Kommissionierung
    NumberKind.SHIPMENT: "LS",  # Lieferschein
    NumberKind.RETURN: "RT",  # Retoure
}
DEFAULT_PATTERN = "{prefix}-{year}-{number}"
PADDING = 6
MAX_LENGTH = 32  # the number columns of the documents
MAX_PADDING = 12

_TABLE = NumberSequence._meta.db_table
_TAKE = (
    f"UPDATE {_TABLE} SET next_value = next_value + 1 "  # noqa: S608 - table name is ours
    "WHERE kind = %s AND scope_year = %s RETURNING next_value - 1, prefix, padding, pattern"
)
# One round trip on PostgreSQL: the sequence's next value with the year's format. Patterns
# with {year} count per year, the others on one sequence for all years.
_TAKE_PG = (
    "SELECT nextval(CASE WHEN pattern LIKE '%%{year}%%' THEN %s ELSE %s END), prefix, padding, pattern "  # noqa: S608
    f"FROM {_TABLE} WHERE kind = %s AND scope_year = %s"
)

GAPLESS = frozenset({NumberKind.INVOICE, NumberKind.CREDIT_NOTE})


@dataclass(frozen=True)
class Format:
    prefix: str
    pattern: str
    padding: int


def default_format(kind: str) -> Format:
    return Format(prefix=PREFIXES[NumberKind(kind)], pattern=DEFAULT_PATTERN, padding=PADDING)


def format_for(kind: str) -> Format:
    """The shop's chosen format for `kind`, or the built-in one."""
    row = NumberFormat.objects.filter(kind=kind).values_list("prefix", "pattern", "padding").first()
    return Format(*row) if row else default_format(kind)


def next_number(*, kind: NumberKind, on: dt.date) -> str:
    if not connection.in_atomic_block:
        raise NumberingUnavailable("numbers are only taken inside a transaction")
    take = _take_postgres if kind not in GAPLESS and connection.vendor == "postgresql" else _take
    row = take(kind, on.year)
    if row is None:
        _create_sequence(kind, on.year)
        row = take(kind, on.year)
    if row is None:
        raise NumberingUnavailable(f"no number sequence for {kind} {on.year}")
    value, prefix, padding, pattern = row
    return format_number(prefix=prefix, year=on.year, value=value, padding=padding, pattern=pattern)


def format_number(*, prefix: str, year: int, value: int, padding: int, pattern: str = DEFAULT_PATTERN) -> str:
    """`RE-2026-000001` with the default pattern."""
    return pattern.format(prefix=prefix, year=year, number=f"{value:0{padding}d}")


_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_SAFE = re.compile(r"^[A-Za-z0-9._-]*$")


def validate_format(*, prefix: str, pattern: str, padding: int) -> Format:
    """The format if it writes safe, unique numbers; InvalidInput names the field otherwise.

    Numbers end up in file names and URLs (/invoices/<number>.pdf), so only ASCII letters,
    digits, "-", "_" and "." are allowed, and never "/"."""
    if not _SAFE.match(prefix) or len(prefix) > 16:
        raise InvalidInput("the prefix may only contain letters, digits, '-', '_' and '.' (at most 16)",
                           details={"field": "prefix"})
    names = _PLACEHOLDER.findall(pattern)
    if "number" not in names:
        raise InvalidInput("the pattern must contain {number}", details={"field": "pattern"})
    unknown = sorted({n for n in names if n not in {"prefix", "year", "number"}})
    if unknown:
        raise InvalidInput(f"unknown placeholder {{{unknown[0]}}}: only {{prefix}}, {{year}} and {{number}}",
                           details={"field": "pattern"})
    if names.count("number") > 1:
        raise InvalidInput("the pattern may contain {number} only once", details={"field": "pattern"})
    if not _SAFE.match(_PLACEHOLDER.sub("", pattern)):
        raise InvalidInput("the pattern may only contain the placeholders, letters, digits, '-', '_' and '.'",
                           details={"field": "pattern"})
    if not 1 <= padding <= MAX_PADDING:
        raise InvalidInput(f"the padding must be between 1 and {MAX_PADDING}", details={"field": "padding"})
    longest = format_number(prefix=prefix, year=9999, value=10 ** max(padding, PADDING) - 1, padding=padding,
                            pattern=pattern)
    if len(longest) > MAX_LENGTH:
        raise InvalidInput(f"numbers in this format can be longer than {MAX_LENGTH} characters ({longest})",
                           details={"field": "pattern"})
    return Format(prefix=prefix, pattern=pattern, padding=padding)


def _take(kind: str, year: int) -> tuple[int, str, int, str] | None:
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [kind, year])
        return cursor.fetchone()


_known_sequences: set[str] = set()


def _sequence_names(kind: str, year: int) -> tuple[str, str]:
    return f"kontorhaus_number_{kind}_{year}", f"kontorhaus_number_{kind}_all"


def _take_postgres(kind: str, year: int) -> tuple[int, str, int, str] | None:
    names = _sequence_names(kind, year)
    with connection.cursor() as cursor:
        for name in names:
            if name in _known_sequences:
                continue
            try:
                with transaction.atomic():  # the first number of a year may race another creator
                    cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
            except (IntegrityError, ProgrammingError):
                pass
            # Remembered only once committed: a rolled-back CREATE leaves no sequence behind.
            transaction.on_commit(lambda name=name: _known_sequences.add(name))
        cursor.execute(_TAKE_PG, [*names, kind, year])
        return cursor.fetchone()


def _create_sequence(kind: NumberKind, year: int) -> None:
    chosen = format_for(kind)
    start = 1
    if "{year}" not in chosen.pattern:
        start = carried_value(kind, year)
    # Two transactions may open a new year at once; the unique constraint lets one win.
    try:
        with transaction.atomic():
            NumberSequence.objects.create(kind=kind, scope_year=year, prefix=chosen.prefix, pattern=chosen.pattern,
                                          padding=chosen.padding, next_value=start)
    except IntegrityError:
        pass


def carried_value(kind: str, year: int) -> int:
    """Where a counter without {year} in its pattern starts: after every earlier year's."""
    highest = NumberSequence.objects.filter(kind=kind, scope_year__lt=year).aggregate(v=Max("next_value"))["v"]
    return max(highest or 1, 1)


def numbers_taken(kind: str, year: int) -> bool:
    """Whether a number of `kind` was already taken in `year` (its counter row moved)."""
    return NumberSequence.objects.filter(kind=kind, scope_year=year, next_value__gt=1).exists()
