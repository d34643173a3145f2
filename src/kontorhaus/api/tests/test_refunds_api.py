import json

import pytest

from kontorhaus.billing.models import CreditNote
from kontorhaus.billing.models_refunds import Refund
from kontorhaus.billing.refunds.tests.factories import CUSTOMER_IBAN, pay_by_bank, pay_by_hand, simple_order

pytestmark = pytest.mark.django_db


def _post(client, number: str, body: dict):
    return client.post(f"/api/v1/orders/{number}/refunds", json.dumps(body), content_type="application/json")


def test_a_refund_is_created_and_listed(api_client):
    # given an order paid by bank
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    # when 10.00 of the payment is refunded with a credit note
    response = _post(api_client, order.number, {"payment": payment.external_id, "amount": "10.00",
                                                "reason": "Kulanz", "with_credit_note": True})
    # then 201 with the refund waiting for the SEPA file, to the IBAN the money came from
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["method"], body["status"], body["iban"]) == ("10.00", "bank", "requested",
                                                                            CUSTOMER_IBAN)
    assert body["credit_note"] == CreditNote.objects.get(order_number=order.number).number
    # and the order lists it
    listed = api_client.get(f"/api/v1/orders/{order.number}/refunds").json()
    assert [r["id"] for r in listed] == [body["id"]]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"amount": "50.00"}, 422, "amount"),  # more than the payment
    ({"amount": "-1.00"}, 422, "amount"),
    ({"amount": 5.0}, 422, "amount"),  # floats are refused
    ({"amount": "5.00", "with_credit_note": False}, 422, "with_credit_note"),  # invoiced money needs a credit note
    ({"amount": "5.00", "iban": "DE00123", "account_name": "Erika"}, 422, "iban"),
    ({"amount": "5.00", "payment": "bank:nope"}, 404, "payment"),
])
def test_bad_refunds_are_refused_and_nothing_is_stored(api_client, body, status, field):
    order = simple_order()
    pay_by_hand(order, "44.88")
    response = _post(api_client, order.number, body)
    assert response.status_code == status, response.content
    error = response.json()
    assert field in json.dumps(error["details"])
    assert not Refund.objects.exists()
    assert not CreditNote.objects.exists()
