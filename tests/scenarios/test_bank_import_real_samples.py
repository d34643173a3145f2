"""Every real sample statement in ../shared/fixtures/04-bank-statements imported into a shop:
the lines that pay our orders are booked, nothing else is; a second import books nothing new."""

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from kontorhaus.billing.bank.parsing import parse_statement
from kontorhaus.billing.bank.types import StatementFormatError
from kontorhaus.billing.models import Payment
from kontorhaus.core.audit import Actor
from kontorhaus.flows.bank_statement_import import bank_statement_import
from kontorhaus.sales.tests.factories import make_article, place_order

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "04-bank-statements"
BANK = Actor("system", "bank-import")


def _readable(path: Path) -> bool:
    """The samples the parser refuses (fragments, camt.054) are covered by the parser tests."""
    try:
        return any(statement.transactions for statement in parse_statement(path.read_bytes()))
    except StatementFormatError:
        return False


FILES = [p for p in sorted([*SAMPLES.glob("camt053/*.xml"), *SAMPLES.glob("mt940/*.sta")]) if _readable(p)] \
    if SAMPLES.is_dir() else []

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FILES, reason=f"sample statements not found at {SAMPLES} (the shared/ fixtures "
                                         "folder beside the checkout)"),
]


def _import(data: bytes):
    return bank_statement_import(statements=parse_statement(data), file_sha256=hashlib.sha256(data).hexdigest(),
                                 actor=BANK)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_real_statement_books_only_what_pays_our_orders_and_nothing_twice(path):
    # given a shop with open orders the sample's senders know nothing about
    make_article(stock=10)
    order = place_order().order  # RE-…-000001 over 44.88, unpaid
    data = path.read_bytes()
    # when its statement is imported
    first = _import(data)
    # then no line of a stranger's statement is booked against our invoice
    lines = [line for statement in first.statements for line in statement.lines]
    assert {line.status for line in lines} <= {"review", "ignored", "duplicate"}
    assert not Payment.objects.filter(source="bank").exists()
    order.refresh_from_db()
    assert (order.payment_state, order.balance_due) == ("unpaid", Decimal("44.88"))
    # and a second import of the same file stores and books nothing new
    again = [line for statement in _import(data).statements for line in statement.lines]
    assert {line.status for line in again} == {"duplicate"}
    assert len(again) == len(lines)
