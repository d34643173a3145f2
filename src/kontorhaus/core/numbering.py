"""Document numbers, per kind and fiscal year.

Invoices and credit notes are gapless (GoBD): one counter row per kind and year, taken inside
the caller's transaction with a single locking UPDATE ... RETURNING. The row stays locked until
the caller commits, so take the number last; a rolled-back transaction gives it back.

Order and quote numbers may have gaps. On PostgreSQL they come from a native sequence per kind
and year, which never blocks: with the counter row, every order intake waited for the previous
one's commit (measured: half of all PostgreSQL backends waiting on that row under load). On
SQLite, where writers are serialised anyway, they use the counter row like the gapless kinds.
"""

import datetime as dt

from django.db import IntegrityError, ProgrammingError, connection, transaction

from .exceptions import NumberingUnavailable
from .models import NumberKind, NumberSequence

PREFIXES = {
    NumberKind.SALES_ORDER: "AU",
    NumberKind.INVOICE: "RE",
    NumberKind.CREDIT_NOTE: "GS",
    NumberKind.QUOTE: "AN",
    NumberKind.DUNNING: "MA",
}

_TAKE = (
    f"UPDATE {NumberSequence._meta.db_table} SET next_value = next_value + 1 "  # noqa: S608 - table name is ours
    "WHERE kind = %s AND scope_year = %s RETURNING next_value - 1, prefix, padding"
)


GAPLESS = frozenset({NumberKind.INVOICE, NumberKind.CREDIT_NOTE})
PADDING = 6


def next_number(*, kind: NumberKind, on: dt.date) -> str:
    if not connection.in_atomic_block:
        raise NumberingUnavailable("numbers are only taken inside a transaction")
    if kind not in GAPLESS and connection.vendor == "postgresql":
        value = _from_postgres_sequence(kind, on.year)
        return format_number(prefix=PREFIXES[kind], year=on.year, value=value, padding=PADDING)
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


_known_sequences: set[str] = set()


def _from_postgres_sequence(kind: NumberKind, year: int) -> int:
    name = f"kontorhaus_number_{kind}_{year}"
    with connection.cursor() as cursor:
        if name not in _known_sequences:
            try:
                with transaction.atomic():  # the first number of a year may race another creator
                    cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
            except (IntegrityError, ProgrammingError):
                pass
            # Remembered only once committed: a rolled-back CREATE leaves no sequence behind.
            transaction.on_commit(lambda: _known_sequences.add(name))
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]


def _create_sequence(kind: NumberKind, year: int) -> None:
    # Two transactions may open a new year at once; the unique constraint lets one win.
    try:
        with transaction.atomic():
            NumberSequence.objects.create(kind=kind, scope_year=year, prefix=PREFIXES[kind])
    except IntegrityError:
        pass
