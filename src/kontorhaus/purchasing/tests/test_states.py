"""The purchase order's transition table, over all pairs."""

import itertools

import pytest
from django.db import transaction

from kontorhaus.core.audit import AuditAction
from kontorhaus.core.exceptions import InvalidTransition
from kontorhaus.core.statemachine import transition
from kontorhaus.purchasing.models import PurchaseOrder
from kontorhaus.purchasing.states import PURCHASE_ORDER_TRANSITIONS, PurchaseOrderStatus
from kontorhaus.sales.tests.factories import TESTER

ALLOWED = {
    ("draft", "ordered"), ("draft", "cancelled"), ("ordered", "partially_received"), ("ordered", "received"),
    ("ordered", "cancelled"), ("partially_received", "received"), ("partially_received", "cancelled"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), [p for p in itertools.product(PurchaseOrderStatus.values, repeat=2)
                                         if p[0] != p[1]])
def test_every_pair_of_states(frm, to):
    order = PurchaseOrder(number="BE-T", status=frm)
    with transaction.atomic():
        if (frm, to) in ALLOWED:
            assert "status" in transition(order, to=to, table=PURCHASE_ORDER_TRANSITIONS,
                                          action=AuditAction.PURCHASING_PURCHASE_ORDER_ORDERED, actor=TESTER)
        else:
            with pytest.raises(InvalidTransition):
                transition(order, to=to, table=PURCHASE_ORDER_TRANSITIONS,
                           action=AuditAction.PURCHASING_PURCHASE_ORDER_ORDERED, actor=TESTER)


def test_the_table_names_every_state():
    assert set(PURCHASE_ORDER_TRANSITIONS) == set(PurchaseOrderStatus.values)
