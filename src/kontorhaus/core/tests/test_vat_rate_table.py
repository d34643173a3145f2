import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import AuditEvent, VatRate
from kontorhaus.core.selectors import vat_rate_table
from kontorhaus.core.services import vat_rate_table_import
from kontorhaus.core.vat_rates import DEFAULT_FILE
from kontorhaus.core.vat_rules import EU_COUNTRIES

ACTOR = Actor("user", "anna")


def _table(**changes) -> dict:
    data = json.loads(DEFAULT_FILE.read_bytes())
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_import_replaces_the_table_and_is_audited():
    # given the shipped table with Austria's standard rate changed
    data = _table(as_of="2027-01-01")
    data["countries"]["AT"]["standard"] = "21"
    data["countries"]["AT"]["history"] = []
    # when
    result = vat_rate_table_import(raw=json.dumps(data).encode(), actor=ACTOR)
    # then
    assert result.countries == len(data["countries"])
    [austria] = vat_rate_table(on=clock.today(), country="AT")
    assert austria.standard == Decimal("21.00") and austria.source == "2027-01-01"
    assert AuditEvent.objects.filter(action=AuditAction.CORE_VAT_RATES_IMPORTED).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [
    b"",
    b"\x00\x01\x02",
    b"\xff\xfe{",
    b"not json",
    b"[1, 2, 3]",
    b'{"countries": {}}',
    b'{"countries": []}',
    b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the parser goes
    b'{"countries": {"AT": {"standard": ' + b"9" * 5000 + b"}}}",  # an integer too long to read
    b'{"countries": {"AT": {"standard": "NaN"}}}',
    b'{"countries": {"AT": {"standard": "1e999999"}}}',
    b'{"countries": {"AT": {"standard": "-5"}}}',
    b'{"countries": {"AT": {"standard": "19.999"}}}',
    b'{"countries": {"at": {"standard": "20"}}}',
    b'{"countries": {"AT": {"standard": "20", "history": [{"from": "yesterday", "standard": "20"}]}}}',
    b'{"countries": {"AT": {"standard": "20", "categories": {"books": {"x": 1}}}}}',
    b'{"countries": {"AT": {"standard": "20", "history": {"from": 1}}}}',
    b'{"countries": {"AT": {"standard": "20"}}}',  # valid, but all other member states missing
    b"{" + b'"countries": {"AT": {"standard": "20"}}, ' * 10 + b'"x": 1}',
])
def test_malformed_or_hostile_files_change_nothing(raw):
    # given the shipped table
    before = list(VatRate.objects.values_list("country", "category", "rate", "valid_from"))
    assert before
    # when / then
    with pytest.raises(InvalidInput):
        vat_rate_table_import(raw=raw, actor=ACTOR)
    assert list(VatRate.objects.values_list("country", "category", "rate", "valid_from")) == before


@pytest.mark.django_db
def test_an_oversized_file_is_refused_before_parsing():
    with pytest.raises(InvalidInput, match="2 MB"):
        vat_rate_table_import(raw=b" " * (2 * 1024 * 1024 + 1), actor=ACTOR)


@pytest.mark.django_db
def test_the_table_in_force_lists_every_member_state():
    rows = vat_rate_table(on=dt.date(2026, 11, 26))
    assert {row.country for row in rows} >= EU_COUNTRIES
    germany = next(row for row in rows if row.country == "DE")
    assert germany.standard == Decimal("19.00")


@pytest.mark.django_db
def test_command_show_and_import(tmp_path, capsys):
    # show one country
    call_command("kontorhaus_vat_rates", "show", "--country", "AT")
    out = capsys.readouterr().out
    assert "AT  standard 20.00 %" in out and "table as of" in out
    # import a good file
    good = tmp_path / "rates.json"
    good.write_bytes(DEFAULT_FILE.read_bytes())
    call_command("kontorhaus_vat_rates", "import", str(good))
    assert "Imported" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"{", b'{"countries": {"AT": {"standard": "200"}}}'])
def test_command_import_of_a_bad_file_fails_with_the_reason(tmp_path, content):
    bad = tmp_path / "rates.json"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match="rates.json"):
        call_command("kontorhaus_vat_rates", "import", str(bad))


@pytest.mark.django_db
def test_command_import_of_a_missing_file_and_an_unknown_country(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("kontorhaus_vat_rates", "import", str(tmp_path / "nope.json"))
    with pytest.raises(CommandError, match="no rates"):
        call_command("kontorhaus_vat_rates", "show", "--country", "ZZ")
