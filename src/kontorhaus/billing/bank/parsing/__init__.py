"""Bank statement files (camt.053, MT940) into `ParsedStatement`s; see `parse_statement`."""

import re

from kontorhaus.billing.bank.parsing.camt import parse_camt
from kontorhaus.billing.bank.parsing.common import DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, Limits
from kontorhaus.billing.bank.parsing.mt940 import parse_mt940
from kontorhaus.billing.bank.types import ParsedStatement, ParsedTransaction, StatementFormatError

__all__ = ["ParsedStatement", "ParsedTransaction", "StatementFormatError", "parse_statement"]

_MT940_START = re.compile(rb"\{1:|:\d\d[A-Z]?:")


def parse_statement(
    data: bytes,
    *,
    filename: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> list[ParsedStatement]:
    """All statements in a camt.053 (.001.02–.001.08) or MT940 file; the format is told by the content.

    Raises StatementFormatError (with `where`: a line number or an XML element path) for anything that
    is not a readable statement: other formats, camt.052/054, malformed or truncated files, missing
    mandatory fields, bad amounts/dates/currencies, DTDs/entities in XML, and files above the limits.
    `filename` is used only to make messages clearer.
    """
    label = f"{filename}: " if filename else ""
    if len(data) > max_bytes:
        raise StatementFormatError(f"{label}file is too large ({len(data)} bytes, the limit is {max_bytes})")
    limits = Limits(max_bytes=max_bytes, max_entries=max_entries)
    body = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body:
        raise StatementFormatError(f"{label}the file is empty")
    try:
        if body.startswith(b"<"):
            return parse_camt(body, limits)
        if _MT940_START.match(body):
            return parse_mt940(_decode(data), limits)
    except StatementFormatError as exc:
        raise StatementFormatError(f"{label}{exc.message}", where=exc.where) from exc
    raise StatementFormatError(
        f"{label}not a bank statement: expected camt.053 XML or MT940 text, the file starts with {body[:16]!r}"
    )


def _decode(data: bytes) -> str:
    """MT940 is nominally ASCII; German banks send UTF-8 or ISO-8859-1/cp1252 umlauts. Line numbers are kept."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
