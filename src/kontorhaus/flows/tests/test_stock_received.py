"""Stock arriving goes to the orders waiting for it, oldest first, and releases them."""

import pytest

from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.order_intake import order_intake
from kontorhaus.flows.stock_received import stock_adjusted
from kontorhaus.inventory.selectors import stock_availability, stock_reconcile
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

pytestmark = pytest.mark.django_db


def paid_order(quantity: int, external_id: str) -> SalesOrder:
    intake = make_intake(lines=[("SHIRT", quantity, "10.00")], external_id=external_id, paid=True)
    return order_intake(intake=intake.__class__(**{**intake.__dict__, "payment_method": "card"}), actor=TESTER).order


def test_a_receipt_fills_backorders_oldest_first_and_releases_the_complete_ones():
    # given two paid orders waiting for shirts (3 and 2), the older first, and none in stock
    shirt = make_article(sku="SHIRT")
    older, newer = paid_order(3, "older"), paid_order(2, "newer")
    assert (older.readiness, newer.readiness) == ("awaiting_stock", "awaiting_stock")
    # when 4 shirts arrive
    stock_adjusted(article=shirt, delta=4, reason="receipt", note="Lieferung", actor=TESTER)
    # then the older order is complete and released, the newer one got the last unit
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.readiness, older.fulfillment_state) == ("ready", "released")
    assert newer.readiness == "awaiting_stock"
    assert [(line.reserved_quantity, line.backordered_quantity) for line in newer.lines.all()
            if line.sku == "SHIRT"] == [(1, 1)]
    assert stock_availability(articles=[shirt])[shirt.pk].available == 0
    assert AuditEvent.objects.filter(order_number=older.number, action="sales.order.released").exists()
    # when one more arrives, the newer one is complete too
    stock_adjusted(article=shirt, delta=1, reason="receipt", note="", actor=TESTER)
    newer.refresh_from_db()
    assert newer.readiness == "ready"
    assert stock_reconcile() == []


def test_cancelled_orders_get_nothing_from_a_receipt():
    shirt = make_article(sku="SHIRT", stock=1)
    waiting = paid_order(2, "waiting")
    order_cancel(order=waiting, actor=TESTER, reason="test")
    stock_adjusted(article=shirt, delta=3, reason="receipt", note="", actor=TESTER)
    assert stock_availability(articles=[shirt])[shirt.pk].available == 4
    assert stock_reconcile() == []
