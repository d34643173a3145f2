import datetime as dt

import pytest
from django.db import connection, transaction

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import AuditEvent, NumberKind
from kontorhaus.core.numbering import format_number, next_number, validate_format
from kontorhaus.core.services import number_format_update

ACTOR = Actor("user", "anna")
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def _take(kind: NumberKind, on: dt.date = TODAY) -> str:
    with transaction.atomic():
        return next_number(kind=kind, on=on)


def test_the_default_format_is_unchanged():
    assert format_number(prefix="RE", year=2026, value=1, padding=6) == "RE-2026-000001"


@pytest.mark.parametrize(("prefix", "pattern", "padding", "field"), [
    ("RE", "{prefix}-{year}", 6, "pattern"),  # no {number}
    ("RE", "{prefix}-{month}-{number}", 6, "pattern"),  # unknown placeholder
    ("RE", "{prefix}/{year}/{number}", 6, "pattern"),  # "/" breaks /invoices/<number>.pdf
    ("RE", "{prefix} {number}", 6, "pattern"),  # space
    ("RE", "{prefix}-{number}-{number}", 6, "pattern"),
    ("RE", "{number:>9}", 6, "pattern"),  # format spec
    ("RE", "{prefix}-{year}-{number}-" + "X" * 20, 6, "pattern"),  # longer than 32
    ("R/E", "{prefix}-{number}", 6, "prefix"),
    ("RÉ", "{prefix}-{number}", 6, "prefix"),
    ("RE", "{prefix}-{number}", 0, "padding"),
    ("RE", "{prefix}-{number}", 13, "padding"),
])
def test_unsafe_or_ambiguous_formats_are_refused(prefix, pattern, padding, field):
    with pytest.raises(InvalidInput) as caught:
        validate_format(prefix=prefix, pattern=pattern, padding=padding)
    assert caught.value.details["field"] == field


@pytest.mark.django_db(transaction=True)
def test_an_order_format_applies_at_once_on_both_databases(today):
    # given orders numbered in the default format this year
    assert _take(NumberKind.SALES_ORDER) == "AU-2026-000001"
    # when the format changes
    change = number_format_update(kind=NumberKind.SALES_ORDER, prefix="B", pattern="{year}{prefix}{number}",
                                  padding=5, actor=ACTOR)
    # then the next number uses it (PostgreSQL: from the native sequence)
    assert change.applies_from == 2026
    assert _take(NumberKind.SALES_ORDER) == "2026B00002"
    assert AuditEvent.objects.filter(action=AuditAction.CORE_NUMBER_FORMAT_UPDATED).count() == 1


@pytest.mark.django_db
def test_an_invoice_format_waits_for_next_year_once_numbers_were_issued(today):
    # given an invoice issued this year
    assert _take(NumberKind.INVOICE) == "RE-2026-000001"
    # when the format changes
    change = number_format_update(kind=NumberKind.INVOICE, prefix="INV", pattern="{prefix}{year}.{number}",
                                  padding=4, actor=ACTOR)
    # then this year keeps its format, next year starts with the new one
    assert change.applies_from == 2027
    assert _take(NumberKind.INVOICE) == "RE-2026-000002"
    assert _take(NumberKind.INVOICE, dt.date(2027, 1, 2)) == "INV2027.0001"


@pytest.mark.django_db
def test_an_invoice_format_applies_this_year_when_none_was_issued_yet(today):
    change = number_format_update(kind=NumberKind.CREDIT_NOTE, prefix="CN", pattern="{prefix}_{year}_{number}",
                                  padding=3, actor=ACTOR)
    assert change.applies_from == 2026
    assert _take(NumberKind.CREDIT_NOTE) == "CN_2026_001"


@pytest.mark.django_db(transaction=True)
def test_a_pattern_without_year_counts_on_across_years(today):
    # given two invoices in 2026 in a continuous format
    number_format_update(kind=NumberKind.INVOICE, prefix="R", pattern="{prefix}{number}", padding=5, actor=ACTOR)
    number_format_update(kind=NumberKind.QUOTE, prefix="Q", pattern="{prefix}{number}", padding=5, actor=ACTOR)
    assert [_take(NumberKind.INVOICE), _take(NumberKind.INVOICE)] == ["R00001", "R00002"]
    assert _take(NumberKind.QUOTE) == "Q00001"
    # when the year turns, then the counters do not restart (the numbers would repeat)
    assert _take(NumberKind.INVOICE, dt.date(2027, 1, 1)) == "R00003"
    assert _take(NumberKind.QUOTE, dt.date(2027, 1, 1)) == "Q00002"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the native sequence path is PostgreSQL's")
def test_postgres_orders_take_the_format_from_the_year_row():
    number_format_update(kind=NumberKind.QUOTE, prefix="ANG", pattern="{prefix}-{year}-{number}", padding=4,
                         actor=ACTOR)
    assert _take(NumberKind.QUOTE, dt.date(2031, 5, 1)) == "ANG-2031-0001"
    assert _take(NumberKind.QUOTE, dt.date(2031, 5, 1)) == "ANG-2031-0002"
