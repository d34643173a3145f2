import datetime as dt

import pytest

from kontorhaus.sales.models import SalesOrder
from kontorhaus.web.pagination import _decode, _encode


def test_cursor_round_trips_an_aware_datetime():
    moment = dt.datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=dt.UTC)
    field = SalesOrder._meta.get_field("placed_at")
    assert _decode(_encode(moment, 42), field) == (moment, 42)


@pytest.mark.parametrize("cursor", ["", "not-base64!", "bm9wZQ", "WzEsMiwzXQ"])
def test_mangled_cursor_means_first_page(cursor):
    assert _decode(cursor, SalesOrder._meta.get_field("placed_at")) is None
