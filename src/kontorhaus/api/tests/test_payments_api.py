import json

import pytest

from kontorhaus.billing.models import Payment
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article, order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(api_client):
    make_article(sku="TSHIRT-M", stock=10)
    response = api_client.post("/api/v1/orders", json.dumps(order_payload()), content_type="application/json")
    return response.json()  # 44.88 incl. VAT, unpaid


def pay(client, number, **body):
    body = {"amount": "44.88", "method": "prepayment", **body}
    return client.post(f"/api/v1/orders/{number}/payments", json.dumps(body), content_type="application/json")


def test_partial_then_full_payment_derives_the_payment_status(api_client, order):
    first = pay(api_client, order["number"], amount="20.00", reference="Überweisung Teil 1")
    assert first.status_code == 201
    assert first.json()["payment_status"] == "partially_paid"
    second = pay(api_client, order["number"], amount="24.88")
    assert second.json()["payment_status"] == "paid"
    assert [p["amount"] for p in second.json()["payments"]] == ["20.00", "24.88"]
    assert pay(api_client, order["number"], amount="1.00").json()["payment_status"] == "overpaid"


def test_the_same_external_id_is_booked_once(api_client, order):
    first = pay(api_client, order["number"], external_id="tx-1")
    again = pay(api_client, order["number"], external_id="tx-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert Payment.objects.count() == 1
    assert again.json()["payment_status"] == "paid"


@pytest.mark.parametrize("body", [
    {"amount": "0.00"}, {"amount": "-5.00"}, {"amount": 44.88}, {"amount": "abc"}, {"currency": "USD"},
    {"currency": "eur"}, {"method": "bitcoin"}, {"reference": "x" * 141}, {"received_at": "2026-11-26"},
    {"amount": "10.005"}, {"amount": "0.0001"},
])
def test_bad_payments_are_refused_and_nothing_is_booked(api_client, order, body):
    response = pay(api_client, order["number"], **body)
    assert response.status_code == 422, response.content
    assert not Payment.objects.exists()
    assert SalesOrder.objects.get(number=order["number"]).payment_state == "unpaid"


def test_unknown_order_and_missing_token(api_client, client, order):
    assert pay(api_client, "AU-1999-000001").status_code == 404
    assert pay(client, order["number"]).status_code == 401
    assert not Payment.objects.exists()


def test_an_external_id_of_another_order_is_a_conflict_and_books_nothing(api_client, order):
    make_article(sku="MUG", stock=5)
    body = order_payload(lines=[{"sku": "MUG", "quantity": 1, "unit_price": "44.88"}], shipping=None)
    other = api_client.post("/api/v1/orders", json.dumps(body), content_type="application/json").json()
    assert pay(api_client, order["number"], external_id="tx-9").status_code == 201
    response = pay(api_client, other["number"], external_id="tx-9")
    assert response.status_code == 409
    assert response.json()["details"]["order"] == order["number"]
    assert SalesOrder.objects.get(number=other["number"]).payment_state == "unpaid"
    assert Payment.objects.count() == 1
