"""The inspect endpoint and wrong items: `article` names what arrived (SKU or GTIN); that article
goes into quarantine, never the ordered one. Unknown, malformed, hostile or contradictory input
is a 422 with the line's field named, and nothing changes."""

import json
from decimal import Decimal

import pytest

from kontorhaus.catalog.services import ArticleData, article_create
from kontorhaus.inventory.models import StockLevel, StockMove
from kontorhaus.returns.models import ReturnLine, ReturnRequest
from kontorhaus.returns.services import return_policy_get
from kontorhaus.returns.tests.factories import shipped_order
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")


def received(api_client) -> tuple[str, object]:
    order = shipped_order(1)
    number = post(api_client, "/returns", {"order": order.number, "lines": [
        {"order": order.number, "position": 1, "quantity": 1, "reason": "wrong_item"}]}).json()["number"]
    assert post(api_client, f"/returns/{number}/receive", {}).json()["status"] == "received"
    return number, order.lines.get(position=1).article


def arrived_article(sku: str = "MUG-BLUE", gtin: str = "4006381333931"):
    return article_create(sku=sku, data=ArticleData(name="Tasse blau", price_gross=Decimal("9.90"), gtin=gtin),
                          actor=TESTER)


def wrong_item(**extra) -> dict:
    return {"lines": [{"position": 1, "condition": "wrong_item", "disposition": "quarantined", **extra}]}


def assert_nothing_changed(number: str) -> None:
    assert ReturnRequest.objects.get(number=number).status == "received"
    line = ReturnLine.objects.get(request__number=number)
    assert line.inspected_at is None and line.received_article_id is None
    assert not StockMove.objects.filter(reference=number).exists()


@pytest.mark.parametrize("code", ["MUG-BLUE", "4006381333931", "04006381333931"])
def test_the_article_that_arrived_goes_into_quarantine(api_client, code: str) -> None:
    number, ordered = received(api_client)
    arrived = arrived_article()
    response = post(api_client, f"/returns/{number}/inspect", wrong_item(article=code))
    assert response.status_code == 200, response.content
    assert response.json()["lines"][0]["received_article"] == "MUG-BLUE"
    (move,) = StockMove.objects.filter(reference=number)
    assert (move.article_id, move.quantity) == (arrived.pk, 1)
    assert move.to_location.warehouse.code == return_policy_get().quarantine_warehouse
    assert StockLevel.objects.get(article=arrived, location=move.to_location).on_hand == 1
    assert not StockMove.objects.filter(reference=number, article=ordered).exists()
    assert api_client.get(f"/api/v1/returns/{number}").json()["lines"][0]["received_article"] == "MUG-BLUE"


@pytest.mark.parametrize(("extra", "status", "code"), [
    ({}, 422, "wrong_item_needs_article"),
    ({"article": "NO-SUCH-SKU"}, 422, "unknown_article"),
    ({"article": "4000000000000"}, 422, "unknown_article"),
    ({"article": "<script>alert(1)</script>"}, 422, "unknown_article"),
    ({"article": "MUG\u0000BLUE"}, 422, None),  # control characters: refused by the schema
    ({"article": "X" * 65}, 422, None),
    ({"article": 4006381333931}, 422, None),    # a number, not a string
    ({"article": "MUG-BLUE", "condition": "damaged"}, 422, None),
])
def test_bad_articles_are_refused_and_nothing_changes(api_client, extra: dict, status: int, code) -> None:
    number, _ordered = received(api_client)
    arrived_article()
    response = post(api_client, f"/returns/{number}/inspect", wrong_item(**extra))
    assert response.status_code == status, response.content
    if code is not None:
        assert response.json()["code"] == code
        assert response.json()["details"]["field"] == "lines[1].article"
    assert_nothing_changed(number)


def test_the_ordered_article_is_no_wrong_item(api_client) -> None:
    number, ordered = received(api_client)
    response = post(api_client, f"/returns/{number}/inspect", wrong_item(article=ordered.sku))
    assert response.status_code == 422 and response.json()["code"] == "received_is_ordered"
    assert_nothing_changed(number)


def test_a_repeated_inspection_books_once(api_client) -> None:
    number, _ordered = received(api_client)
    arrived_article()
    assert post(api_client, f"/returns/{number}/inspect", wrong_item(article="MUG-BLUE")).status_code == 200
    again = post(api_client, f"/returns/{number}/inspect", wrong_item(article="MUG-BLUE"))
    assert again.status_code in (409, 422)
    assert StockMove.objects.filter(reference=number).count() == 1


def test_loose_goods_cannot_name_another_article(api_client) -> None:
    # given a return of goods without an order, received
    loose = arrived_article("LOOSE-1", "")
    arrived_article("MUG-RED", "")
    number = post(api_client, "/returns", {"lines": [{"sku": loose.sku, "quantity": 1, "reason": "other"}]}).json()[
        "number"]
    post(api_client, f"/returns/{number}/receive", {})
    # when its line is inspected as a wrong item naming another article, then that is refused
    response = post(api_client, f"/returns/{number}/inspect", wrong_item(article="MUG-RED"))
    assert response.status_code == 422 and response.json()["details"]["field"] == "lines[1].article"
    assert_nothing_changed(number)
