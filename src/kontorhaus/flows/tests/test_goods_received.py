"""Goods received against a purchase order: stock into bins, the purchase order's progress,
the average purchase price, backorders filled oldest first — and refused input changes nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from kontorhaus.core.exceptions import IdempotencyConflict, InvalidInput, InvalidTransition
from kontorhaus.flows.goods_received import goods_received
from kontorhaus.flows.order_intake import order_intake
from kontorhaus.inventory.models import StockLevel, StockMove, StockReservation
from kontorhaus.inventory.selectors import stock_availability, stock_reconcile
from kontorhaus.inventory.services_bins import bin_create, stock_policy_set, warehouse_create
from kontorhaus.purchasing.models import ArticleCost, GoodsReceipt, PurchaseOrderLine
from kontorhaus.purchasing.services_receipts import ReceiptLineRequest
from kontorhaus.purchasing.tests.factories import main_warehouse, make_gtin_article, make_po, make_supplier, make_terms
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake


def receive(order, key, *lines):
    return goods_received(purchase_order=order, key=key, actor=TESTER,
                          lines=[ReceiptLineRequest(*line) for line in lines])


def paid_order(sku: str, quantity: int, external_id: str) -> SalesOrder:
    intake = make_intake(lines=[(sku, quantity, "10.00")], external_id=external_id, paid=True)
    return order_intake(intake=intake.__class__(**{**intake.__dict__, "payment_method": "card"}), actor=TESTER).order


def on_hand(article) -> int:
    return stock_availability(articles=[article])[article.pk].on_hand


@pytest.fixture
def shirt_order(db):
    shirt = make_gtin_article("SHIRT", gtin="4006381333931")
    supplier = make_supplier()
    make_terms(supplier, shirt, price="4.00")
    return shirt, make_po(supplier, [(shirt, 10)])


def test_a_full_receipt_books_the_stock_into_the_default_bin_and_closes_the_order(shirt_order):
    # given a purchase order of 10 shirts, whose default bin in MAIN is A-01
    shirt, order = shirt_order
    bin_a = bin_create(warehouse=main_warehouse(), label="A-01", walk_order=1, actor=TESTER)
    stock_policy_set(article=shirt, warehouse=main_warehouse(), default_bin=bin_a, reorder_point=None,
                     target_level=None, actor=TESTER)
    # when all 10 arrive
    result = receive(order, "r1", ("SHIRT", 10))
    # then
    assert result.created and result.purchase_order.status == "received"
    assert StockLevel.objects.get(article=shirt, location=bin_a).on_hand == 10
    move = StockMove.objects.get(article=shirt)
    assert (move.reason, move.reference, move.quantity) == ("receipt", order.number, 10)
    assert ArticleCost.objects.get(article=shirt).average_price == Decimal("4.0000")
    assert stock_reconcile() == []


def test_partial_receipts_by_scanned_gtin_and_into_a_chosen_bin(shirt_order):
    shirt, order = shirt_order
    bin_b = bin_create(warehouse=main_warehouse(), label="B-07", walk_order=7, actor=TESTER)
    first = receive(order, "r1", ("4006381333931", 4), ("SHIRT", 2, "B-07"))
    assert first.purchase_order.status == "partially_received"
    assert PurchaseOrderLine.objects.get().received_quantity == 6
    assert StockLevel.objects.get(article=shirt, location=bin_b).on_hand == 2
    second = receive(order, "r2", ("SHIRT", 4))
    assert second.purchase_order.status == "received"
    assert on_hand(shirt) == 10


def test_the_same_receipt_id_books_once_and_a_different_receipt_under_it_is_refused(shirt_order):
    shirt, order = shirt_order
    receive(order, "delivery-1", ("SHIRT", 3))
    again = receive(order, "delivery-1", ("SHIRT", 3))
    assert not again.created and on_hand(shirt) == 3
    with pytest.raises(IdempotencyConflict):
        receive(order, "delivery-1", ("SHIRT", 4))
    assert on_hand(shirt) == 3 and GoodsReceipt.objects.count() == 1


@pytest.mark.parametrize(("lines", "field", "code"), [
    ([("SHIRT", 11)], "lines[0].quantity", "over_receipt"),
    ([("SHIRT", 6), ("SHIRT", 5, "B-07")], "lines[1].quantity", "over_receipt"),
    ([("SHIRT", 0)], "lines[0].quantity", "invalid_input"),
    ([("SHIRT", -2)], "lines[0].quantity", "invalid_input"),
    ([("CAP", 1)], "lines[0].sku", "invalid_input"),
    ([("'; DROP TABLE x; --", 1)], "lines[0].sku", "invalid_input"),
    ([("SHIRT", 1, "NOPE")], "lines[0].bin", "invalid_input"),
    ([("SHIRT", 1, "WEST:A-01")], "lines[0].bin", "invalid_input"),
    ([("SHIRT", 1), ("SHIRT", 2)], "lines[1].sku", "duplicate"),
    ([], "lines", "invalid_input"),
])
def test_refused_receipts_change_nothing(shirt_order, lines, field, code):
    shirt, order = shirt_order
    bin_create(warehouse=main_warehouse(), label="B-07", walk_order=7, actor=TESTER)
    west = warehouse_create(code="WEST", name="West", sellable=True, actor=TESTER)
    bin_create(warehouse=west, label="A-01", walk_order=1, actor=TESTER)
    with pytest.raises(InvalidInput) as error:
        receive(order, "r1", *lines)
    assert (error.value.details["field"], error.value.code) == (field, code)
    assert on_hand(shirt) == 0 and not GoodsReceipt.objects.exists()
    assert PurchaseOrderLine.objects.get().received_quantity == 0


def test_a_draft_or_finished_purchase_order_receives_nothing(db):
    shirt, supplier = make_article(sku="SHIRT"), make_supplier()
    make_terms(supplier, shirt)
    draft = make_po(supplier, [(shirt, 2)], ordered=False)
    with pytest.raises(InvalidTransition, match="order it first"):
        receive(draft, "r1", ("SHIRT", 1))
    other = make_supplier("70002")
    make_terms(other, shirt, preferred=False)
    done = make_po(other, [(shirt, 2)])
    receive(done, "r1", ("SHIRT", 2))
    with pytest.raises(InvalidTransition):
        receive(done, "r2", ("SHIRT", 1))
    assert on_hand(shirt) == 2


def test_the_average_purchase_price_is_weighted_by_the_stock_on_hand(db):
    # given 10 shirts on hand bought at 2.00, and a purchase order of 10 at 3.50
    shirt, supplier = make_article(sku="SHIRT"), make_supplier()
    make_terms(supplier, shirt, price="2.00")
    receive(make_po(supplier, [(shirt, 10)]), "r1", ("SHIRT", 10))
    make_terms(supplier, shirt, price="3.50")
    # when they arrive
    receive(make_po(supplier, [(shirt, 10)]), "r2", ("SHIRT", 10))
    # then (10 x 2.00 + 10 x 3.50) / 20
    cost = ArticleCost.objects.get(article=shirt)
    assert (cost.average_price, cost.last_price) == (Decimal("2.7500"), Decimal("3.5000"))
    # and 5 more at 3.50 on 20: (20 x 2.75 + 5 x 3.50) / 25 = 2.90
    receive(make_po(supplier, [(shirt, 5)]), "r3", ("SHIRT", 5))
    assert ArticleCost.objects.get(article=shirt).average_price == Decimal("2.9000")


def test_a_receipt_fills_backorders_oldest_first_and_releases_them(db):
    # given two paid orders waiting for shirts (3, then 2) and a purchase order of 4
    shirt, supplier = make_article(sku="SHIRT"), make_supplier()
    make_terms(supplier, shirt)
    older, newer = paid_order("SHIRT", 3, "older"), paid_order("SHIRT", 2, "newer")
    order = make_po(supplier, [(shirt, 4)])
    # when the 4 arrive
    receive(order, "r1", ("SHIRT", 4))
    # then the older order is complete and released, the newer one got the last unit
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.readiness, older.fulfillment_state) == ("ready", "released")
    line = newer.lines.get(sku="SHIRT")
    assert (line.reserved_quantity, line.backordered_quantity) == (1, 1)
    assert stock_availability(articles=[shirt])[shirt.pk].available == 0
    assert stock_reconcile() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_receipts_and_order_intake_at_once_keep_the_stock_invariant():
    # given two articles, open purchase orders for them and orders already waiting
    shirt, cap = make_article(sku="SHIRT"), make_article(sku="CAP")
    supplier = make_supplier()
    make_terms(supplier, shirt)
    make_terms(supplier, cap)
    orders = [make_po(supplier, [(shirt, 20), (cap, 20)]) for _ in range(3)]
    for i in range(3):
        paid_order("SHIRT", 2, f"before-{i}")
    errors: list[BaseException] = []

    def run(work) -> None:
        try:
            work()
        except BaseException as error:  # noqa: BLE001 -- any error (a deadlock too) is reported below
            errors.append(error)
        finally:
            connection.close()

    def receipts(order) -> None:
        for step in range(4):
            receive(order, f"r{step}", ("SHIRT", 5), ("CAP", 5))

    def intakes(start: int) -> None:
        for i in range(6):
            intake = make_intake(lines=[("CAP", 2, "5.00"), ("SHIRT", 3, "10.00")], external_id=f"t{start}-{i}",
                                 paid=True)
            order_intake(intake=intake.__class__(**{**intake.__dict__, "payment_method": "card"}), actor=TESTER)

    # when receipts and intakes run at the same time
    threads = [threading.Thread(target=run, args=(lambda o=o: receipts(o),)) for o in orders]
    threads += [threading.Thread(target=run, args=(lambda s=s: intakes(s),)) for s in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then nothing failed, the ledger agrees with the counters, and no line holds more than it asked
    assert errors == []
    assert stock_reconcile() == []
    assert_no_line_over_reserved()
    assert on_hand(shirt) == 60 and on_hand(cap) == 60


def assert_no_line_over_reserved() -> None:
    held = {(r["order_number"], r["line_position"]): r["units"] for r in StockReservation.objects.values(
        "order_number", "line_position").annotate(units=Sum("quantity"))}
    for line in SalesOrderLine.objects.filter(sku__in=["SHIRT", "CAP"]).select_related("order"):
        assert line.reserved_quantity + line.backordered_quantity == line.quantity
        assert held.get((line.order.number, line.position), 0) == line.reserved_quantity
