"""The reorder list: what is at or below its reorder point, and how much to order from whom."""

import pytest

from kontorhaus.inventory.services import ReservationRequest, stock_reserve
from kontorhaus.inventory.services_bins import warehouse_create
from kontorhaus.purchasing.reorder import order_quantity, reorder_list, reorder_proposal_for
from kontorhaus.sales.tests.factories import TESTER, make_article

from .factories import make_po, make_supplier, make_terms, set_policy


@pytest.mark.parametrize(("need", "pack", "minimum", "expected"), [
    (0, 1, 1, 0), (-5, 6, 10, 0), (1, 1, 1, 1), (7, 6, 1, 12), (12, 6, 1, 12), (3, 1, 10, 10), (3, 6, 10, 12),
    (25, 10, 30, 30), (31, 10, 30, 40),
])
def test_order_quantity_rounds_up_to_packs_and_the_minimum(need, pack, minimum, expected):
    assert order_quantity(need, pack_size=pack, minimum=minimum) == expected


@pytest.mark.django_db
def test_the_list_proposes_target_minus_available_minus_on_order_per_supplier():
    # given shirts at 4 of reorder point 5 (target 30, packs of 10) with 2 reserved by an order,
    # caps above their reorder point and mugs without a supplier
    shirt, cap, mug = make_article(sku="SHIRT", stock=6), make_article(sku="CAP", stock=9), make_article(sku="MUG")
    stock_reserve(requests=[ReservationRequest(shirt, 2, 1)], order_number="AU-1", require_all=True, actor=TESTER)
    supplier = make_supplier()
    make_terms(supplier, shirt, pack=10, price="2.50")
    make_terms(supplier, cap)
    set_policy(shirt, reorder_point=5, target=30)
    set_policy(cap, reorder_point=5, target=30)
    set_policy(mug, reorder_point=0, target=4)
    # when
    result = reorder_list()
    # then: 30 - 4 = 26 -> 30 in packs of 10; the mug is listed without a supplier
    assert [(line.sku, line.available, line.need, line.quantity) for line in result.lines] == [
        ("MUG", 0, 4, 0), ("SHIRT", 4, 26, 30)]
    [proposal] = result.proposals
    assert (proposal.supplier_number, [line.sku for line in proposal.lines], str(proposal.total_net)) == (
        "70001", ["SHIRT"], "75.00")
    assert [line.sku for line in result.without_supplier] == ["MUG"]
    # when 20 are on order, only 6 are missing -> one pack of 10
    make_po(supplier, [(shirt, 20)])
    assert [(line.on_order, line.quantity) for line in reorder_list().lines if line.sku == "SHIRT"] == [(20, 10)]
    # when 30 are on order (a draft counts too), nothing is proposed
    make_po(supplier, [(shirt, 10)], ordered=False)
    assert reorder_proposal_for(supplier_number="70001", warehouse_code="MAIN") is None


@pytest.mark.django_db
def test_without_a_target_level_the_reorder_point_is_the_target():
    shirt = make_article(sku="SHIRT", stock=2)
    make_terms(make_supplier(), shirt, moq=5)
    set_policy(shirt, reorder_point=3, target=None)
    assert [(line.need, line.quantity) for line in reorder_list().lines] == [(1, 5)]


@pytest.mark.django_db
def test_each_sellable_warehouse_on_its_own_and_others_left_out():
    shirt = make_article(sku="SHIRT", stock=50)  # all in MAIN
    second = warehouse_create(code="WEST", name="West", sellable=True, actor=TESTER)
    closed = warehouse_create(code="DAMAGED", name="Defekt", sellable=False, actor=TESTER)
    make_terms(make_supplier(), shirt)
    set_policy(shirt, reorder_point=5, target=10)
    set_policy(shirt, reorder_point=5, target=10, warehouse=second)
    set_policy(shirt, reorder_point=5, target=10, warehouse=closed)
    assert [(line.warehouse_code, line.quantity) for line in reorder_list().lines] == [("WEST", 10)]
    assert reorder_list(warehouse_code="MAIN").lines == []


@pytest.mark.django_db
def test_the_list_takes_the_same_few_queries_for_many_articles(django_assert_max_num_queries):
    supplier = make_supplier()
    for i in range(30):
        article = make_article(sku=f"A{i:02}")
        make_terms(supplier, article)
        set_policy(article, reorder_point=1, target=5)
    with django_assert_max_num_queries(5):
        result = reorder_list()
    assert len(result.proposals[0].lines) == 30
