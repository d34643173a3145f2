import datetime as dt
import json
from decimal import Decimal

import pytest

from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import VatRate
from kontorhaus.core.vat_rates import DEFAULT_FILE, destination_rate, vat_rates_import

pytestmark = pytest.mark.django_db


def test_the_shipped_table_is_loaded_with_every_member_state():
    # the migration loaded it; every EU country has a standard rate in force today
    countries = set(VatRate.objects.filter(category="standard").values_list("country", flat=True))
    assert len(countries) == 27
    assert destination_rate(country="FI", category="standard", on=dt.date(2026, 11, 26)) == Decimal("25.50")
    assert destination_rate(country="FR", category="ebooks", on=dt.date(2026, 11, 26)) == Decimal("5.50")


def test_a_rate_change_applies_from_its_date():
    # Estonia: 22 % from 2024-01-01, 24 % from 2025-07-01
    assert destination_rate(country="EE", category="standard", on=dt.date(2025, 6, 30)) == Decimal("22.00")
    assert destination_rate(country="EE", category="standard", on=dt.date(2025, 7, 1)) == Decimal("24.00")


def test_a_category_with_several_rates_is_left_to_the_standard_rate():
    result = vat_rates_import(raw=DEFAULT_FILE.read_bytes())
    assert "AT food 4.9/10" in result.skipped
    assert destination_rate(country="AT", category="food", on=dt.date(2026, 11, 26)) is None


@pytest.mark.parametrize("raw", [
    b"", b"not json", b"[]", b'{"countries": {}}', b'{"countries": {"at": {"standard": "20"}}}',
    b'{"countries": {"AT": {}}}', b'{"countries": {"AT": {"standard": "abc"}}}',
    b'{"countries": {"AT": {"standard": "120"}}}', b'{"countries": {"AT": {"standard": "-1"}}}',
    b'{"countries": {"AT": {"standard": "20", "history": [{"from": "gestern", "standard": "20"}]}}}',
    b'{"countries": {"AT": {"standard": "NaN"}}}', "\u00ff".encode("latin-1"),
])
def test_a_bad_rate_file_changes_nothing(raw):
    before = VatRate.objects.count()
    with pytest.raises(InvalidInput):
        vat_rates_import(raw=raw)
    assert VatRate.objects.count() == before


def test_an_updated_file_replaces_the_table():
    data = json.loads(DEFAULT_FILE.read_bytes())
    data["countries"]["AT"]["standard"] = "21"
    data["countries"]["AT"]["history"] = [{"from": "2026-12-01", "standard": "21"}]
    vat_rates_import(raw=json.dumps(data).encode())
    assert destination_rate(country="AT", category="standard", on=dt.date(2026, 12, 1)) == Decimal("21.00")
