"""What a parsed bank statement is, independent of its file format.

Parsers (`parsing/`) turn a camt.053 or MT940 file into these; matching and booking only ever
see these. Amounts are positive Decimals with `credit` telling the direction.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


class StatementFormatError(ValueError):
    """The file is not a statement we can read. `where` points at the line or XML element."""

    def __init__(self, message: str, *, where: str = ""):
        super().__init__(f"{message} ({where})" if where else message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class ParsedTransaction:
    entry_key: str  # stable per entry across re-imports: the bank's reference, else a hash of the entry
    booking_date: dt.date
    value_date: dt.date | None
    amount: Decimal  # always > 0
    currency: str
    credit: bool  # True: money in
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""  # unstructured remittance text, lines joined with a space
    end_to_end_id: str = ""
    bank_reference: str = ""
    # True for a reversal/return (camt RvslInd, MT940 RC/RD); `credit` still tells the real direction:
    # a reversed incoming payment (e.g. a returned direct debit) is a reversal with credit=False.
    reversal: bool = False


@dataclass(frozen=True)
class ParsedStatement:
    format: str  # "camt.053.001.02" ... "camt.053.001.08", "mt940"
    statement_id: str
    account_iban: str
    currency: str
    created_at: dt.datetime | None
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    transactions: tuple[ParsedTransaction, ...] = field(default_factory=tuple)
