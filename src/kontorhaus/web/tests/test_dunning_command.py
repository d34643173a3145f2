"""`kontorhaus dunning run [--dry-run] [--date]`: the table it prints and its exit codes."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kontorhaus import cli
from kontorhaus.billing.dunning.tests.factories import freeze_day, place
from kontorhaus.billing.models import DunningNotice
from kontorhaus.core import clock
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.tests.factories import make_article

pytestmark = pytest.mark.django_db
DUE_PLUS_7 = dt.date(2026, 12, 17)


@pytest.fixture(autouse=True)
def orders():
    make_article(stock=10)
    invoice = place(payment_method="invoice").invoice
    order = place(payment_method="prepayment").order
    freeze_day(DUE_PLUS_7)
    yield invoice, order
    clock.unfreeze()


def dunning(*argv: str) -> str:
    out = StringIO()
    call_command("kontorhaus_dunning", "run", *argv, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_table_and_sends_nothing(orders):
    # given an overdue invoice and an unpaid prepayment order
    invoice, order = orders
    emails = OutgoingEmail.objects.count()
    # when a dry run is asked for
    out = dunning("--dry-run")
    # then both are listed with level, amount and fee, and nothing is stored or sent
    assert "1 reminder(s) would be sent (dry run" in out
    assert f"{invoice.number:<16} {'Erika Mustermann':<30}     1         €44.88      €0.00" in out
    assert f"{order.number:<16} {'Erika Mustermann':<30}         €44.88  reminder" in out
    assert not DunningNotice.objects.exists()
    assert OutgoingEmail.objects.count() == emails


def test_a_run_sends_and_says_what_it_did(orders):
    # given an overdue invoice, when the run happens
    invoice, order = orders
    out = dunning()
    # then the notice is issued and named, with the reminded prepayment order
    notice = DunningNotice.objects.get()
    assert f"Done: 2 ({notice.number}, {order.number})" in out
    # and a second run sends nothing
    assert "Done: 0" in dunning()


def test_a_future_date_previews_with_dry_run(orders):
    # given a date three weeks ahead, when previewed, then the second level shows with its fee
    dunning()
    out = dunning("--dry-run", "--date", "2027-01-07")
    assert "     2         €44.88      €5.00" in out


def test_a_bad_date_is_a_usage_error():
    # when the date cannot be read, then the command fails with exit code 2
    with pytest.raises(CommandError) as error:
        dunning("--date", "17.12.2026")
    assert error.value.returncode == 2
    assert "is not a date" in str(error.value)


def test_the_cli_exits_2_on_a_bad_date_and_on_a_future_real_run(capsys):
    # when the kontorhaus command is given a bad date, or a real run in the future
    bad = cli.main(["dunning", "run", "--date", "gestern"])
    future = cli.main(["dunning", "run", "--date", "2030-01-01"])
    # then it exits 2 with a message on stderr
    assert (bad, future) == (2, 2)
    err = capsys.readouterr().err
    assert "is not a date" in err and "future date" in err


def test_the_cli_dry_run_exits_0(capsys):
    assert cli.main(["dunning", "run", "--dry-run"]) == 0
    assert "would be sent" in capsys.readouterr().out
