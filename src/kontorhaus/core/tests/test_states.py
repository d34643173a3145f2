"""Every transition table, over all pairs (STYLE 9)."""

import itertools

import pytest
from django.db import transaction

from kontorhaus.billing import states as invoice_states
from kontorhaus.core.audit import SYSTEM, AuditAction
from kontorhaus.core.exceptions import InvalidTransition
from kontorhaus.core.statemachine import transition
from kontorhaus.sales import states as order_states

TABLES = [
    (order_states.SalesOrderStatus, order_states.TRANSITIONS),
    (invoice_states.InvoiceStatus, invoice_states.TRANSITIONS),
]
PAIRS = [(enum, table, a, b) for enum, table in TABLES for a, b in itertools.product(enum.values, repeat=2)]


class Thing:
    """A stand-in document: the state machine only needs status, _meta and pk."""

    class _meta:  # noqa: N801
        label_lower = "test.thing"
        verbose_name = "thing"

    pk = 1

    def __init__(self, status):
        self.status = status


@pytest.mark.django_db
@pytest.mark.parametrize(("enum", "table", "current", "target"), PAIRS)
def test_transition_pairs(enum, table, current, target):
    thing = Thing(current)
    allowed = target in table[current]
    with transaction.atomic():
        if current == target:
            assert transition(thing, to=target, table=table, action=AuditAction.SALES_ORDER_CANCELLED,
                              actor=SYSTEM) == []
        elif allowed:
            assert "status" in transition(thing, to=target, table=table, action=AuditAction.SALES_ORDER_CANCELLED,
                                          actor=SYSTEM)
            assert thing.status == target
        else:
            with pytest.raises(InvalidTransition):
                transition(thing, to=target, table=table, action=AuditAction.SALES_ORDER_CANCELLED, actor=SYSTEM)
            assert thing.status == current


def test_every_state_has_a_row():
    for enum, table in TABLES:
        assert set(table) == set(enum.values)
