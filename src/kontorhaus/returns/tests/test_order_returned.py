"""The order's derived fulfillment state after a return: "returned" once every shipped unit
came back and was inspected; a partial return leaves it as it was; a wrong item is not the
order's goods and is not counted; a return naming more than was shipped counts what was."""

import pytest

from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.returns.services_inspection import LineInspection
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.progress import derive_fulfillment_state
from kontorhaus.sales.services_fulfillment import order_lines_returned
from kontorhaus.sales.tests.factories import TESTER

from .factories import draft_for, refresh, shipped_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("shipped", "returned", "state"), [
    ([(2, 2), (1, 1)], [(2, 2), (1, 1)], "returned"),
    ([(2, 2), (1, 1)], [(2, 2), (1, 0)], "shipped"),
    ([(2, 2), (1, 0)], [(2, 2), (0, 0)], "partially_shipped"),  # the rest is still to ship
    ([(2, 0)], [(0, 0)], "unfulfilled"),
])
def test_returned_needs_every_shipped_unit_back(shipped, returned, state):
    assert derive_fulfillment_state(shipped_by_line=shipped, returned_by_line=returned) == state


def _inspect(order, *lines, condition="resellable", disposition="restocked"):
    request = return_register_and_notify(draft=draft_for(order, *lines), actor=TESTER)
    return_goods_received(request=request, actor=TESTER)
    bin_ = order.lines.get(position=lines[0][0]).article.stock_levels.order_by("pk").first().location
    return return_inspect(request=refresh(request), actor=TESTER, inspections=[
        LineInspection(position=n, condition=condition, disposition=disposition,
                       location=bin_ if disposition == "restocked" else None)
        for n, _ in enumerate(lines, start=1)])


def _state(order) -> tuple[str, list[int]]:
    order = SalesOrder.objects.get(pk=order.pk)
    return order.fulfillment_state, [line.returned_quantity for line in order.lines.filter(article__isnull=False)]


def test_a_partial_return_leaves_the_state_and_the_rest_makes_it_returned():
    order = shipped_order(2, 1)
    _inspect(order, (1, 1))
    assert _state(order) == ("shipped", [1, 0])
    _inspect(order, (1, 1), (2, 1))
    assert _state(order) == ("returned", [2, 1])


def test_a_wrong_item_is_not_counted_as_the_orders_goods():
    order = shipped_order(1)
    _inspect(order, (1, 1), condition="wrong_item", disposition="flagged")
    assert _state(order) == ("shipped", [0])


def test_more_than_was_shipped_counts_only_what_was_and_never_twice():
    order = shipped_order(2)
    assert order_lines_returned(order=order, quantities={1: 5, 99: 1}, actor=TESTER) == {1: 2}
    assert order_lines_returned(order=order, quantities={1: 1}, actor=TESTER) == {}
    assert _state(order) == ("returned", [2])
