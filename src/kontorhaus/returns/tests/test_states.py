"""The return's transition table over all pairs: allowed moves happen, every other is refused."""

import itertools

import pytest
from django.db import transaction

from kontorhaus.core.audit import AuditAction
from kontorhaus.core.exceptions import InvalidTransition
from kontorhaus.core.statemachine import transition
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.states import TRANSITIONS, ReturnStatus
from kontorhaus.sales.tests.factories import TESTER

ALLOWED = {
    ("registered", "received"), ("registered", "cancelled"), ("received", "inspected"), ("received", "cancelled"),
    ("inspected", "refund_proposed"), ("inspected", "closed"), ("refund_proposed", "refunded"),
    ("refund_proposed", "closed"),
}


def test_the_table_is_the_documented_one() -> None:
    pairs = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert pairs == ALLOWED


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), [
    (a, b) for a, b in itertools.product(ReturnStatus.values, ReturnStatus.values) if a != b])
def test_each_pair(current: str, target: str) -> None:
    request = ReturnRequest(number="RT-T", status=current, channel="portal", shipping_paid_by="shop")
    with transaction.atomic():
        if (current, target) in ALLOWED:
            assert transition(request, to=target, table=TRANSITIONS, action=AuditAction.RETURNS_RETURN_CLOSED,
                              actor=TESTER) == (["status", f"{target}_at"])
        else:
            with pytest.raises(InvalidTransition):
                transition(request, to=target, table=TRANSITIONS, action=AuditAction.RETURNS_RETURN_CLOSED,
                           actor=TESTER)
