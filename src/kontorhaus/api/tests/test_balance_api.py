"""The API shows what is still due next to the payment status (the status is for display; the
balance says whether money is missing)."""

import json

import pytest

from kontorhaus.sales.tests.factories import make_article, order_payload

pytestmark = pytest.mark.django_db


def test_payments_and_the_order_show_the_balance_due(api_client):
    # given an order of 44.88, unpaid
    make_article(sku="TSHIRT-M", stock=10)
    number = api_client.post("/api/v1/orders", json.dumps(order_payload()), content_type="application/json").json()[
        "number"]
    # when 20.00, then 30.00 are paid
    pay = {"method": "prepayment", "amount": "20.00"}
    first = api_client.post(f"/api/v1/orders/{number}/payments", json.dumps(pay), content_type="application/json")
    second = api_client.post(f"/api/v1/orders/{number}/payments", json.dumps({**pay, "amount": "30.00"}),
                             content_type="application/json")
    # then the payment answers and the order show what is due: 24.88, then 5.12 to give back
    assert (first.json()["payment_status"], first.json()["balance_due"]) == ("partially_paid", "24.88")
    assert (second.json()["payment_status"], second.json()["balance_due"]) == ("overpaid", "-5.12")
    assert api_client.get(f"/api/v1/orders/{number}").json()["balance_due"] == "-5.12"
