"""`kontorhaus returns list | receive CODE | deadlines`."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kontorhaus.core import clock
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.services import WithdrawalDeclaration
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.returns.tests.factories import draft_for, shipped_order
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("kontorhaus_returns", *args, stdout=out)
    return out.getvalue()


def test_list_and_receive_by_rma_number() -> None:
    created = return_register_and_notify(draft=draft_for(shipped_order(1), (1, 1)), actor=TESTER)
    assert created.number in run("list")
    assert run("receive", created.number).strip() == f"{created.number}: received"
    assert ReturnRequest.objects.get(pk=created.pk).status == ReturnStatus.RECEIVED


@pytest.mark.parametrize("code", ["RT-2026-999999", "", "x" * 100, "a\x00b"])
def test_receive_bad_codes_exit_2(code: str) -> None:
    with pytest.raises(CommandError) as error:
        run("receive", code)
    assert error.value.returncode == 2


def test_receiving_twice_exits_2_and_changes_nothing() -> None:
    created = return_register_and_notify(draft=draft_for(shipped_order(1), (1, 1)), actor=TESTER)
    run("receive", created.number)
    with pytest.raises(CommandError) as error:
        run("receive", created.number)
    assert error.value.returncode == 2


def test_deadlines_alerts_and_exits_1_when_overdue() -> None:
    order = shipped_order(1)
    withdrawal_declare(order=order, declaration=WithdrawalDeclaration(
        customer_name="E", customer_email="e@example.com", channel="email"), actor=TESTER)
    assert run("deadlines") == ""
    clock.freeze(clock.now() + dt.timedelta(days=15))
    try:
        with pytest.raises(CommandError) as error:
            run("deadlines")
        assert error.value.returncode == 1
    finally:
        clock.unfreeze()
