"""The stock invariant under random sequences of warehouse operations (hypothesis): for every
article and location, on-hand equals the sum of the ledger and the reservations there, nothing
is negative, reserved never exceeds on-hand, and an order never holds more than it asked for."""

from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontorhaus.core.exceptions import DomainError
from kontorhaus.inventory.models import StockLevel, StockReservation
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services import ReservationRequest, stock_adjust, stock_release, stock_reserve
from kontorhaus.inventory.services_bins import (
    bin_create,
    stock_pick,
    stock_ship,
    stock_transfer,
    warehouse_create,
)
from kontorhaus.sales.tests.factories import TESTER, make_article

ARTICLES, BINS, ORDERS = 2, 3, 4

operation = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, ARTICLES - 1), st.integers(0, BINS - 1), st.integers(1, 6)),
    st.tuples(st.just("reserve"), st.integers(0, ARTICLES - 1), st.integers(0, ORDERS - 1), st.integers(1, 5)),
    st.tuples(st.just("release"), st.integers(0, ORDERS - 1)),
    st.tuples(st.just("pick"), st.integers(0, ARTICLES - 1), st.integers(0, ORDERS - 1), st.integers(1, 5)),
    st.tuples(st.just("ship"), st.integers(0, ARTICLES - 1), st.integers(0, ORDERS - 1), st.integers(1, 5)),
    st.tuples(st.just("transfer"), st.integers(0, ARTICLES - 1), st.integers(0, BINS - 1),
              st.integers(0, BINS - 1), st.integers(1, 4)),
    st.tuples(st.just("adjust"), st.integers(0, ARTICLES - 1), st.integers(0, BINS - 1), st.integers(-4, 4)),
)


def _check(wanted: dict) -> None:
    assert stock_reconcile() == []
    for level in StockLevel.objects.all():
        assert 0 <= level.reserved <= level.on_hand
    held = defaultdict(int)
    for row in StockReservation.objects.all():
        held[(row.order_number, row.article_id)] += row.quantity
    for key, quantity in held.items():
        assert quantity <= wanted[key]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=25))
def test_random_warehouse_work_keeps_the_stock_invariant(steps):
    with transaction.atomic():  # each example starts from nothing (rolled back below)
        warehouse = warehouse_create(code="W", name="Lager", sellable=True, actor=TESTER)
        bins = [bin_create(warehouse=warehouse, label=f"A-0{i}", walk_order=i, actor=TESTER) for i in range(BINS)]
        articles = [make_article(sku=f"P{i}") for i in range(ARTICLES)]
        wanted: dict = defaultdict(int)
        for step in steps:
            _apply(step, articles, bins, wanted)
            _check(wanted)
        transaction.set_rollback(True)


def _apply(step: tuple, articles: list, bins: list, wanted: dict) -> None:
    kind, *args = step
    try:
        with transaction.atomic():  # a refused step changes nothing
            if kind == "receive":
                article, bin_, quantity = articles[args[0]], bins[args[1]], args[2]
                stock_adjust(article=article, delta=quantity, reason="receipt", note="", actor=TESTER, location=bin_)
            elif kind == "reserve":
                article, order, quantity = articles[args[0]], f"AU-{args[1]}", args[2]
                [result] = stock_reserve(requests=[ReservationRequest(article, quantity, args[0] + 1)],
                                         order_number=order, require_all=False, actor=TESTER)
                wanted[(order, article.pk)] += result.reserved
            elif kind == "release":
                order = f"AU-{args[0]}"
                stock_release(order_number=order, actor=TESTER)
                for key in [k for k in wanted if k[0] == order]:
                    wanted[key] = 0
            elif kind == "pick":
                stock_pick(order_number=f"AU-{args[1]}", article=articles[args[0]], quantity=args[2], actor=TESTER)
            elif kind == "ship":
                order, article = f"AU-{args[1]}", articles[args[0]]
                shipped = stock_ship(order_number=order, article=article, quantity=args[2], actor=TESTER)
                wanted[(order, article.pk)] -= shipped
            elif kind == "transfer":
                article, source, target, quantity = articles[args[0]], bins[args[1]], bins[args[2]], args[3]
                stock_transfer(article=article, source=source, target=target, quantity=quantity, actor=TESTER)
            elif kind == "adjust" and args[2]:
                stock_adjust(article=articles[args[0]], delta=args[2], reason="count", note="", actor=TESTER,
                             location=bins[args[1]])
    except DomainError:
        pass  # refused (not enough free stock, same bin …): nothing changed, checked next
