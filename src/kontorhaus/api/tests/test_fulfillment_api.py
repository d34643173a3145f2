"""The pick-run and shipment API: create a run, confirm picks, pack, hand over; malformed,
hostile and duplicate input gets a 4xx naming the field, and changes nothing."""

import pytest

from kontorhaus.fulfillment.models import PickRun, Shipment
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, stocked

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def order():
    stocked("MUG", units=5, bin_=make_bin("A-01", 10), gtin="4006381333931")
    return released_order(("MUG", 2))


def _post(client, path, body):
    return client.post(f"/api/v1{path}", body, content_type=JSON)


def test_pick_pack_and_hand_over_through_the_api(api_client, order):
    # create a run for the order
    response = _post(api_client, "/pick-runs", {"mode": "single", "order_number": order.number})
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["orders"][0]["order_number"] == order.number
    assert run["rows"] == [{"sku": "MUG", "name": "Artikel MUG", "bin": "A-01", "quantity": 2, "picked": 0,
                            "totes": [{"tote": 1, "order_number": order.number, "quantity": 2}]}]
    # confirm the pick
    response = _post(api_client, f"/pick-runs/{run['number']}/picks", {"sku": "MUG", "bin": "A-01", "quantity": 2})
    assert response.status_code == 200 and response.json()["status"] == "completed"
    # pack, the article scanned by its GTIN
    response = _post(api_client, f"/orders/{order.number}/shipments", {
        "lines": [{"sku": "4006381333931", "quantity": 2}],
        "parcels": [{"weight_grams": 900, "length_cm": 30, "width_cm": 20, "height_cm": 10}]})
    assert response.status_code == 201, response.content
    shipment = response.json()
    assert (shipment["carrier"], shipment["tracking_number"], shipment["status"]) == ("dhl-paket", "", "packed")
    assert api_client.get(f"/api/v1/shipments/{shipment['number']}").json()["lines"][0]["quantity"] == 2
    # hand over, twice
    assert _post(api_client, f"/shipments/{shipment['number']}/hand-over", {}).json()["status"] == "shipped"
    assert _post(api_client, f"/shipments/{shipment['number']}/hand-over", {}).status_code == 409
    order_json = api_client.get(f"/api/v1/orders/{order.number}").json()
    assert order_json["fulfillment_status"] == "shipped"


@pytest.mark.parametrize(("body", "field"), [
    ({"mode": "single"}, "body"),
    ({"mode": "everything"}, "mode"),
    ({"mode": "batch", "size": "5"}, "size"),
    ({"mode": "batch", "size": 0}, "size"),
    ({"mode": "carrier", "carrier": "x" * 33}, "carrier"),
    ({"mode": "single", "order_number": "AU\x00"}, "order_number"),
])
def test_malformed_pick_run_requests_are_refused(api_client, order, body, field):
    response = _post(api_client, "/pick-runs", body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["details"]["errors"]}
    assert PickRun.objects.count() == 0


def test_wrong_and_duplicate_input_changes_nothing(api_client, order):
    run = _post(api_client, "/pick-runs", {"mode": "batch", "size": 5}).json()
    # the same order again: nothing left to pick
    assert _post(api_client, "/pick-runs", {"mode": "single", "order_number": order.number}).status_code == 422
    # too many, unknown bin, unknown article
    picks = f"/pick-runs/{run['number']}/picks"
    for body, field in (({"sku": "MUG", "bin": "A-01", "quantity": 3}, "quantity"),
                        ({"sku": "MUG", "bin": "Z-99", "quantity": 1}, "bin"),
                        ({"sku": "NOPE", "bin": "A-01", "quantity": 1}, "sku")):
        response = _post(api_client, picks, body)
        assert response.status_code == 422 and response.json()["details"]["field"] == field
    assert _post(api_client, picks, {"sku": "MUG", "bin": "A-01", "quantity": 2}).status_code == 200
    # packing a wrong article, and one too many
    parcels = [{"weight_grams": 900, "length_cm": 30, "width_cm": 20, "height_cm": 10}]
    for lines, field in (([{"sku": "SOCK", "quantity": 1}], "lines.0.sku"),
                         ([{"sku": "MUG", "quantity": 3}], "lines.0.quantity")):
        response = _post(api_client, f"/orders/{order.number}/shipments", {"lines": lines, "parcels": parcels})
        assert response.status_code == 422 and response.json()["details"]["field"] == field
    response = _post(api_client, f"/orders/{order.number}/shipments",
                     {"lines": [{"sku": "MUG", "quantity": 2}], "parcels": [{**parcels[0], "weight_grams": -1}]})
    assert response.status_code == 422
    assert Shipment.objects.count() == 0
    assert api_client.get("/api/v1/shipments/LS-1999-000001").status_code == 404
    assert api_client.get("/api/v1/pick-runs/KO-1999-000001").status_code == 404


def test_the_api_needs_a_token(client, order):
    assert client.post("/api/v1/pick-runs", {"mode": "batch", "size": 1}, content_type=JSON).status_code == 401


def test_the_whole_list_confirmed_at_once_and_not_twice(api_client, order):
    run = _post(api_client, "/pick-runs", {"mode": "single", "order_number": order.number}).json()
    response = _post(api_client, f"/pick-runs/{run['number']}/all-picked", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed" and response.json()["rows"][0]["picked"] == 2
    again = _post(api_client, f"/pick-runs/{run['number']}/all-picked", {})
    assert again.status_code == 422 and again.json()["details"]["field"] == "run"
    assert _post(api_client, "/pick-runs/KO-1999-000001/all-picked", {}).status_code == 404


def test_a_run_closed_short_through_the_api(api_client, order):
    run = _post(api_client, "/pick-runs", {"mode": "single", "order_number": order.number}).json()
    _post(api_client, f"/pick-runs/{run['number']}/picks", {"sku": "MUG", "bin": "A-01", "quantity": 1})
    response = _post(api_client, f"/pick-runs/{run['number']}/close-short", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed" and response.json()["rows"][0]["quantity"] == 1
    again = _post(api_client, f"/pick-runs/{run['number']}/close-short", {})
    assert again.status_code == 422 and again.json()["details"]["field"] == "run"
    assert _post(api_client, "/pick-runs/KO-1999-000001/close-short", {}).status_code == 404
