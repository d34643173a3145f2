import json

import pytest

from kontorhaus.catalog.models import Article
from kontorhaus.inventory.models import StockMove
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.sales.tests.factories import make_article, order_payload

pytestmark = pytest.mark.django_db

ARTICLE = {"name": "Kaffee Hochland 500 g", "price_gross": "12.90", "kind": "physical", "vat_class": "reduced",
           "gtin": "4006381333931", "weight_grams": 520, "active": True}


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_create_read_update_an_article(api_client):
    created = send(api_client, "post", "/api/v1/articles", {"sku": "KAFFEE-500", **ARTICLE})
    assert created.status_code == 201
    assert created.json()["available"] == 0
    updated = send(api_client, "put", "/api/v1/articles/KAFFEE-500", {**ARTICLE, "price_gross": "13.50"})
    assert updated.status_code == 200
    assert updated.json()["price_gross"] == "13.50"
    assert api_client.get("/api/v1/articles/KAFFEE-500").json()["name"] == "Kaffee Hochland 500 g"
    assert api_client.get("/api/v1/articles/NOPE").status_code == 404
    assert [a["sku"] for a in api_client.get("/api/v1/articles?search=kaffee").json()] == ["KAFFEE-500"]


@pytest.mark.parametrize("change", [
    {"sku": "HAS SPACE"}, {"sku": ""}, {"price_gross": "-1"}, {"price_gross": 12.9}, {"kind": "gift"},
    {"vat_class": "super"}, {"gtin": "12345"}, {"name": ""}, {"weight_grams": "heavy"},
])
def test_invalid_articles_are_refused_with_422_and_nothing_is_stored(api_client, change):
    response = send(api_client, "post", "/api/v1/articles", {"sku": "X-1", **ARTICLE, **change})
    assert response.status_code == 422, response.content
    assert not Article.objects.exists()


def test_a_duplicate_sku_is_refused(api_client):
    make_article(sku="X-1")
    response = send(api_client, "post", "/api/v1/articles", {"sku": "X-1", **ARTICLE})
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "sku"


def test_stock_adjustments_show_in_on_hand_reserved_available(api_client):
    make_article(sku="TSHIRT-M")
    assert send(api_client, "post", "/api/v1/articles/TSHIRT-M/stock-adjustments",
                {"quantity": 5, "reason": "receipt"}).status_code == 201
    send(api_client, "post", "/api/v1/orders", order_payload())  # reserves 2
    article = api_client.get("/api/v1/articles/TSHIRT-M").json()
    assert (article["on_hand"], article["reserved"], article["available"]) == (5, 2, 3)
    # taking away reserved stock is refused and changes nothing
    refused = send(api_client, "post", "/api/v1/articles/TSHIRT-M/stock-adjustments",
                   {"quantity": -4, "reason": "write_off", "note": "Wasserschaden"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock"
    assert StockMove.objects.count() == 1
    for bad in ({"quantity": 0}, {"quantity": "5"}, {"quantity": 5, "reason": "theft"}, {}):
        assert send(api_client, "post", "/api/v1/articles/TSHIRT-M/stock-adjustments", bad).status_code == 422
    assert stock_reconcile() == []
