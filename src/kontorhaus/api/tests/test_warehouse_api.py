"""The warehouse API: warehouses and bins, stock per bin, transfers, counts, write-offs, the
ledger; bad, hostile and repeated input gets a 4xx naming the field, and changes nothing."""

import json

import pytest

from kontorhaus.core.models import AuditEvent
from kontorhaus.inventory.models import Location, StockLevel, StockMove, Warehouse
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db


def send(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def hall(api_client):
    assert send(api_client, "/api/v1/warehouses", {"code": "HH", "name": "Hamburg"}).status_code == 201
    for label, order in (("A-01", 10), ("B-01", 20)):
        assert send(api_client, "/api/v1/warehouses/HH/bins", {"label": label, "walk_order": order}).status_code == 201
    mug = make_article(sku="MUG")
    stock_adjust(article=mug, delta=5, reason="receipt", note="", actor=TESTER,
                 location=Location.objects.get(code="HH:A-01"))
    return mug


def _field(response) -> str:
    body = response.json()
    return body["details"].get("field") or body["details"]["errors"][0]["field"]


def test_warehouses_bins_stock_transfer_count_and_ledger(api_client, hall):
    assert {w["code"] for w in api_client.get("/api/v1/warehouses").json()} >= {"HH"}
    moved = send(api_client, "/api/v1/stock/transfers",
                 {"sku": "MUG", "warehouse": "HH", "from_bin": "A-01", "to_bin": "B-01", "quantity": 2})
    assert moved.status_code == 201, moved.content
    assert (moved.json()["from_location"], moved.json()["to_location"]) == ("HH:A-01", "HH:B-01")
    counted = send(api_client, "/api/v1/stock/counts", {"warehouse": "HH", "note": "Inventur", "lines": [
        {"sku": "MUG", "bin": "A-01", "counted": 2, "expected": 3}]})
    assert counted.status_code == 201, counted.content
    assert counted.json()["differences"] == [
        {"sku": "MUG", "location": "HH:A-01", "expected": 3, "counted": 2, "difference": -1}]
    written_off = send(api_client, "/api/v1/stock/write-offs",
                       {"sku": "MUG", "warehouse": "HH", "bin": "B-01", "quantity": 1, "cause": "damage"})
    assert written_off.status_code == 201, written_off.content
    (stock,) = api_client.get("/api/v1/stock?warehouse=HH&sku=MUG").json()
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (3, 0, 3)
    assert [(b["bin"], b["on_hand"]) for b in stock["bins"]] == [("A-01", 2), ("B-01", 1)]
    ledger = api_client.get("/api/v1/articles/MUG/ledger").json()
    assert [(r["reason"], r["change"], r["balance"]) for r in ledger] == [
        ("receipt", 5, 5), ("transfer", 0, 5), ("count", -1, 4), ("write_off", -1, 3)]
    assert stock_reconcile() == []


@pytest.mark.parametrize(("url", "body", "field"), [
    ("/api/v1/warehouses", {"code": "HH", "name": "again"}, "code"),  # duplicate
    ("/api/v1/warehouses", {"code": "../etc", "name": "x"}, "code"),
    ("/api/v1/warehouses", {"code": "X1", "name": "x", "sellable": "yes"}, "sellable"),
    ("/api/v1/warehouses", {"code": "X1", "name": "x", "admin": True}, "admin"),
    ("/api/v1/warehouses/HH/bins", {"label": "A-01"}, "label"),  # duplicate
    ("/api/v1/warehouses/HH/bins", {"label": "A 01"}, "label"),
    ("/api/v1/warehouses/HH/bins", {"label": "Z", "walk_order": -1}, "walk_order"),
    ("/api/v1/warehouses/NOPE/bins", {"label": "Z"}, "warehouse"),
    ("/api/v1/stock/transfers", {"sku": "MUG", "warehouse": "HH", "from_bin": "A-01", "to_bin": "B-01",
                                 "quantity": 9}, "quantity"),  # more than there is
    ("/api/v1/stock/transfers", {"sku": "MUG", "warehouse": "HH", "from_bin": "A-01", "to_bin": "A-01",
                                 "quantity": 1}, "target"),
    ("/api/v1/stock/transfers", {"sku": "MUG", "warehouse": "HH", "from_bin": "A-01", "to_bin": "NOPE",
                                 "quantity": 1}, "to_bin"),
    ("/api/v1/stock/transfers", {"sku": "MUG", "warehouse": "HH", "from_bin": "A-01", "to_bin": "B-01",
                                 "quantity": 0}, "quantity"),
    ("/api/v1/stock/transfers", {"sku": "GHOST", "warehouse": "HH", "from_bin": "A-01", "to_bin": "B-01",
                                 "quantity": 1}, "sku"),
    ("/api/v1/stock/counts", {"warehouse": "HH", "lines": []}, "lines"),
    ("/api/v1/stock/counts", {"warehouse": "HH", "lines": [{"sku": "MUG", "bin": "A-01", "counted": -2}]},
     "lines.0.counted"),
    ("/api/v1/stock/counts", {"warehouse": "HH", "lines": [
        {"sku": "MUG", "bin": "A-01", "counted": 1}, {"sku": "MUG", "bin": "A-01", "counted": 2}]}, "lines.1.sku"),
    ("/api/v1/stock/counts", {"warehouse": "HH", "lines": [{"sku": "MUG", "bin": "A-01", "counted": 1,
                                                            "expected": 4}]}, "lines.0.expected"),
    ("/api/v1/stock/counts", {"warehouse": "HH", "lines": [{"sku": "MUG", "bin": "Q", "counted": 1}]}, "lines.0.bin"),
    ("/api/v1/stock/counts", {"warehouse": "HH", "lines": [{"sku": "MUG\u0000", "bin": "A-01", "counted": 1}]},
     "lines.0.sku"),
    ("/api/v1/stock/write-offs", {"sku": "MUG", "warehouse": "HH", "bin": "A-01", "quantity": 1, "cause": "theft"},
     "cause"),
    ("/api/v1/stock/write-offs", {"sku": "MUG", "warehouse": "HH", "bin": "A-01", "quantity": 6, "cause": "loss"},
     "quantity"),
])
def test_bad_input_is_refused_with_the_field_and_changes_nothing(api_client, hall, url, body, field):
    before = (StockMove.objects.count(), Warehouse.objects.count(), Location.objects.count(),
              list(StockLevel.objects.values_list("on_hand", "reserved").order_by("id")), AuditEvent.objects.count())
    response = send(api_client, url, body)
    assert 400 <= response.status_code < 500, response.content
    assert _field(response) == field, response.json()
    assert before == (StockMove.objects.count(), Warehouse.objects.count(), Location.objects.count(),
                      list(StockLevel.objects.values_list("on_hand", "reserved").order_by("id")),
                      AuditEvent.objects.count())


def test_reads_need_a_token_and_unknown_things_are_404(client, api_client, hall):
    assert client.get("/api/v1/stock").status_code == 401
    assert api_client.get("/api/v1/stock?warehouse=NOPE").status_code == 404
    assert api_client.get("/api/v1/articles/NOPE/ledger").status_code == 404
    assert send(api_client, "/api/v1/stock/counts", "not an object").status_code == 422
