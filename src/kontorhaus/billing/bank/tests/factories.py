"""Parsed statements as a parser would return them, and open invoices through the real intake."""

import datetime as dt
import itertools
from decimal import Decimal

from kontorhaus.billing.bank.types import ParsedStatement, ParsedTransaction
from kontorhaus.billing.models import Invoice
from kontorhaus.sales.tests.factories import place_order

IBAN = "DE02120300000000202051"
_keys = itertools.count(1)


def tx(remittance: str = "", amount: str = "44.88", *, credit: bool = True, currency: str = "EUR",
       name: str = "Erika Mustermann", key: str = "") -> ParsedTransaction:
    return ParsedTransaction(
        entry_key=key or f"ENTRY-{next(_keys):06d}", booking_date=dt.date(2026, 11, 27),
        value_date=dt.date(2026, 11, 27), amount=Decimal(amount), currency=currency, credit=credit,
        counterparty_name=name, counterparty_iban="DE89370400440532013000", remittance=remittance,
    )


def statement(*transactions: ParsedTransaction, statement_id: str = "STMT-2026-11-27",
              iban: str = IBAN) -> ParsedStatement:
    return ParsedStatement(format="camt.053.001.08", statement_id=statement_id, account_iban=iban, currency="EUR",
                           created_at=None, opening_balance=None, closing_balance=None,
                           transactions=tuple(transactions))


def open_invoice(**kwargs) -> Invoice:
    """An order through the real intake (2 x 19.99 + 4.90 shipping = 44.88) and its invoice."""
    return place_order(**kwargs).invoice
