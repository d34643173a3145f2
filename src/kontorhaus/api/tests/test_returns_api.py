"""The returns API: register, receive, inspect, approve; withdrawals a shop relays — and
malformed, hostile and duplicate input answered with 4xx, the field, and nothing changed."""

import json

import pytest

from kontorhaus.billing.models import CreditNote
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.models import ReturnRequest, Withdrawal
from kontorhaus.returns.tests.factories import shipped_order
from kontorhaus.sales.tests.factories import make_article

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")


def test_without_a_token_nothing_is_created(client) -> None:
    order = shipped_order(1)
    body = {"order": order.number, "lines": [{"order": order.number, "position": 1, "quantity": 1,
                                              "reason": "other"}]}
    assert post(client, "/returns", body).status_code == 401
    assert post(client, f"/orders/{order.number}/withdrawals", {"customer_name": "E",
                                                               "customer_email": "e@example.com"}).status_code == 401
    assert not ReturnRequest.objects.exists() and not Withdrawal.objects.exists()


def test_the_whole_way_through_the_api(api_client) -> None:
    order = shipped_order(2)
    created = post(api_client, "/returns", {"order": order.number, "lines": [
        {"order": order.number, "position": 1, "quantity": 2, "reason": "does_not_fit"}]})
    assert created.status_code == 201
    number = created.json()["number"]
    assert api_client.get(f"/api/v1/returns/{number}").json()["status"] == "registered"
    assert post(api_client, f"/returns/{number}/receive", {}).json()["status"] == "received"
    inspected = post(api_client, f"/returns/{number}/inspect", {"lines": [
        {"position": 1, "condition": "resellable", "disposition": "restocked", "loss_of_value": "2.00"}]})
    assert inspected.status_code == 200 and inspected.json()["status"] == "refund_proposed"
    first = post(api_client, f"/returns/{number}/approve", {})
    second = post(api_client, f"/returns/{number}/approve", {})
    assert first.json()["status"] == second.json()["status"] == "refunded"
    assert first.json()["credit_notes"] == second.json()["credit_notes"]
    assert CreditNote.objects.filter(order_number=order.number, kind="partial").count() == 1
    listed = api_client.get("/api/v1/returns?status=all").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == number


@pytest.mark.parametrize(("body", "status"), [
    ({"lines": []}, 422),
    ({"lines": [{"sku": "LOOSE", "quantity": "1", "reason": "other"}]}, 422),
    ({"lines": [{"sku": "LOOSE", "quantity": 0, "reason": "other"}]}, 422),
    ({"lines": [{"sku": "LOOSE", "quantity": 1, "reason": "bored"}]}, 422),
    ({"lines": [{"sku": "LOOSE", "quantity": 1, "reason": "other", "price": "1"}]}, 422),
    ({"lines": [{"sku": "LOOSE\u0000", "quantity": 1, "reason": "other"}]}, 422),
    ({"lines": [{"sku": "NOPE", "quantity": 1, "reason": "other"}]}, 404),
    ({"lines": [{"order": "AU-0000-000001", "position": 1, "quantity": 1, "reason": "other"}]}, 404),
    ({"customer_email": "nope", "lines": [{"sku": "LOOSE", "quantity": 1, "reason": "other"}]}, 422),
])
def test_bad_returns_are_refused_and_nothing_is_stored(api_client, body: dict, status: int) -> None:
    make_article(sku="LOOSE")
    response = post(api_client, "/returns", body)
    assert response.status_code == status, response.content
    assert not ReturnRequest.objects.exists()


def test_a_duplicate_return_of_the_same_units_is_refused(api_client) -> None:
    order = shipped_order(1)
    body = {"order": order.number, "lines": [{"order": order.number, "position": 1, "quantity": 1,
                                              "reason": "other"}]}
    assert post(api_client, "/returns", body).status_code == 201
    again = post(api_client, "/returns", body)
    assert again.status_code == 422 and again.json()["code"] == "quantity_not_returnable"
    assert ReturnRequest.objects.count() == 1


@pytest.mark.parametrize("lines", [
    [{"position": 1, "condition": "resellable", "disposition": "written_off"}],
    [{"position": 1, "condition": "resellable", "disposition": "restocked", "bin": "NO-BIN"}],
    [{"position": 9, "condition": "resellable", "disposition": "restocked"}],
    [{"position": 1, "condition": "resellable", "disposition": "restocked", "loss_of_value": 1.5}],
    [{"position": 1, "condition": "resellable", "disposition": "restocked"}] * 2,
])
def test_bad_inspections_change_nothing(api_client, lines: list) -> None:
    order = shipped_order(1)
    number = post(api_client, "/returns", {"order": order.number, "lines": [
        {"order": order.number, "position": 1, "quantity": 1, "reason": "other"}]}).json()["number"]
    post(api_client, f"/returns/{number}/receive", {})
    response = post(api_client, f"/returns/{number}/inspect", {"lines": lines})
    assert response.status_code == 422
    assert ReturnRequest.objects.get(number=number).status == "received"


def test_approve_before_inspection_is_a_conflict(api_client) -> None:
    order = shipped_order(1)
    number = post(api_client, "/returns", {"order": order.number, "lines": [
        {"order": order.number, "position": 1, "quantity": 1, "reason": "other"}]}).json()["number"]
    assert post(api_client, f"/returns/{number}/approve", {}).status_code == 409
    assert api_client.get("/api/v1/returns/RT-NOPE").status_code == 404


def test_withdrawal_relayed_once_and_confirmed_once(api_client) -> None:
    order = shipped_order(2)
    body = {"customer_name": "Erika", "customer_email": "erika@example.com", "items": [{"position": 1, "quantity": 1}]}
    first = post(api_client, f"/orders/{order.number}/withdrawals", body)
    again = post(api_client, f"/orders/{order.number}/withdrawals", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation").count() == 1
    assert len(api_client.get("/api/v1/withdrawals?status=open").json()) == 1


@pytest.mark.parametrize("body", [
    {"customer_name": "", "customer_email": "e@example.com"},
    {"customer_name": "E", "customer_email": "e"},
    {"customer_name": "E", "customer_email": "e@example.com", "channel": "portal"},
    {"customer_name": "E", "customer_email": "e@example.com", "items": [{"position": 7, "quantity": 1}]},
    {"customer_name": "E", "customer_email": "e@example.com", "declared_at": "2099-01-01T00:00:00Z"},
    {"customer_name": "E", "customer_email": "e@example.com", "extra": 1},
])
def test_bad_withdrawals_change_nothing(api_client, body: dict) -> None:
    order = shipped_order(1)
    assert post(api_client, f"/orders/{order.number}/withdrawals", body).status_code == 422
    assert not Withdrawal.objects.exists()
