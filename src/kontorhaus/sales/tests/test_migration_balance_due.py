"""Migration 0007 fills `balance_due` of existing orders by the rule of `order_balance`."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.fulfillment.tests.factories import pay
from kontorhaus.sales.models import SalesOrder

from .factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db
migration = importlib.import_module("kontorhaus.sales.migrations.0007_order_balance_due")


def test_existing_orders_get_their_balance_due():
    # given an unpaid, a paid and an overpaid order, and a cancelled one (invoice credited in full),
    # their balance unknown
    make_article(stock=10)
    unpaid, paid, overpaid, cancelled = (place_order().order for _ in range(4))
    pay(paid, "44.88")
    pay(overpaid, "50.00")
    order_cancel(order=cancelled, actor=TESTER)
    SalesOrder.objects.update(balance_due=Decimal("999.00"))
    # when the migration's fill runs
    migration.balance_due_fill(apps, None)
    # then each has what is due by the rule
    due = dict(SalesOrder.objects.values_list("pk", "balance_due"))
    assert [due[o.pk] for o in (unpaid, paid, overpaid)] == [Decimal("44.88"), Decimal("0.00"), Decimal("-5.12")]
    assert due[cancelled.pk] == Decimal("0.00")
