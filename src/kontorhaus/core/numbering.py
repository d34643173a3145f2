"""Gapless document numbers: one counter row per kind and year, taken inside the caller's
transaction with a single locking UPDATE ... RETURNING, so the hot row is held only from here
to commit (call this last). A rolled-back transaction gives its number back."""

import datetime as dt

from django.db import IntegrityError, connection, transaction

from .exceptions import NumberingUnavailable
from .models import NumberKind, NumberSequence

PREFIXES = {
    NumberKind.SALES_ORDER: "AU",
    NumberKind.INVOICE: "RE",
    NumberKind.CREDIT_NOTE: "GS",
    NumberKind.QUOTE: "AN",
}

_TAKE = (
    f"UPDATE {NumberSequence._meta.db_table} SET next_value = next_value + 1 "  # noqa: S608 - table name is ours
    "WHERE kind = %s AND scope_year = %s RETURNING next_value - 1, prefix, padding"
)


def next_number(*, kind: NumberKind, on: dt.date) -> str:
    if not connection.in_atomic_block:
        raise NumberingUnavailable("numbers are only taken inside a transaction")
    row = _take(kind, on.year)
    if row is None:
        _create_sequence(kind, on.year)
        row = _take(kind, on.year)
    if row is None:
        raise NumberingUnavailable(f"no number sequence for {kind} {on.year}")
    value, prefix, padding = row
    return format_number(prefix=prefix, year=on.year, value=value, padding=padding)


def format_number(*, prefix: str, year: int, value: int, padding: int) -> str:
    return f"{prefix}-{year}-{value:0{padding}d}"


def _take(kind: str, year: int) -> tuple[int, str, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [kind, year])
        return cursor.fetchone()


def _create_sequence(kind: NumberKind, year: int) -> None:
    # Two transactions may open a new year at once; the unique constraint lets one win.
    try:
        with transaction.atomic():
            NumberSequence.objects.create(kind=kind, scope_year=year, prefix=PREFIXES[kind])
    except IntegrityError:
        pass
