"""`kontorhaus export datev --from --to [--chart] [--out]` (the CLI delegates to the management
command `kontorhaus_export_datev`)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kontorhaus import cli
from kontorhaus.billing.models_datev import DatevExport
from kontorhaus.core import clock

from .factories import catalogue, on_day, order, rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup():
    catalogue()
    order("AT", day=dt.date(2026, 10, 5))
    on_day(dt.date(2026, 11, 5))
    yield
    clock.unfreeze()


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("kontorhaus_export_datev", *argv, stdout=out, stderr=err)
    except SystemExit as exc:  # argparse
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_cli_writes_the_file_and_says_when_the_period_was_exported_before(tmp_path, capsys):
    # given
    out = tmp_path / "EXTF_oktober.csv"
    argv = ["export", "datev", "--from", "2026-10-01", "--to", "2026-10-31", "--chart", "skr04", "--out", str(out)]
    # when the CLI exports (through the management command)
    assert cli.main(argv) == 0
    first = capsys.readouterr()
    # then the file is written, the path printed with the number of bookings
    assert first.out.strip() == str(out)
    assert "1 document(s), 1 booking(s), SKR04" in first.err and "not exported before" in first.err
    assert rows(out.read_bytes())[2][7] == "4320"
    # when the period is exported again
    assert cli.main(argv) == 0
    second = capsys.readouterr()
    # then the same file, and the note who exported it first
    assert "already exported: 2026-10-01 to 2026-10-31 (SKR04)" in second.err and "cli:" in second.err
    assert DatevExport.objects.count() == 2


@pytest.mark.parametrize(("argv", "message"), [
    (["--from", "2026-10-01", "--to", "2026-13-01"], "is not a date"),
    (["--from", "1.10.2026", "--to", "2026-10-31"], "is not a date"),
    (["--from", "2026-10-31", "--to", "2026-10-01"], "starts"),
    (["--from", "2026-10-01", "--to", "2026-12-31"], "future"),
    (["--from", "2025-12-01", "--to", "2026-10-31"], "two fiscal years"),
    (["--from", "2026-10-01", "--to", "2026-10-31", "--out", "/nonexistent/x.csv"], "does not exist"),
])
def test_bad_input_exits_2_with_the_reason_and_stores_nothing(argv, message, capsys):
    assert cli.main(["export", "datev", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not DatevExport.objects.exists()


def test_the_management_command_refuses_an_unknown_chart():
    with pytest.raises(CommandError, match="skr03 or skr04") as error:
        _run("--from", "2026-10-01", "--to", "2026-10-31", "--chart", "skr99")
    assert error.value.returncode == 2 and not DatevExport.objects.exists()


def test_an_empty_period_writes_nothing(tmp_path):
    out = tmp_path / "empty.csv"
    code, _, err = _run("--from", "2026-09-01", "--to", "2026-09-30", "--out", str(out))
    assert code == 0 and "no invoices or credit notes" in err and not out.exists()
