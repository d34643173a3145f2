"""POST /api/v1/quotes, GET /api/v1/quotes/{number}, POST /api/v1/quotes/{number}/accept."""

import json

import pytest

from kontorhaus.customers.models import Customer
from kontorhaus.sales.models import Quote, SalesOrder
from kontorhaus.sales.services_quotes import quote_decline
from kontorhaus.sales.tests.factories import TESTER
from kontorhaus.sales.tests.factories_quotes import two_articles

pytestmark = pytest.mark.django_db

URL = "/api/v1/quotes"


def payload(**overrides) -> dict:
    body = {
        "customer": {"email": "einkauf@muster.example", "name": "Erika Mustermann", "company": "Muster GmbH"},
        "billing_address": {"name": "Erika Mustermann", "company": "Muster GmbH", "street": "Hauptstraße 1",
                            "postal_code": "10115", "city": "Berlin", "country": "DE"},
        "lines": [{"sku": "DESK", "quantity": 3, "unit_price": "100.00", "discount_percent": "10"},
                  {"sku": "BOOK", "quantity": 2, "unit_price": "24.99"}],
        "discount_percent": "5",
    }
    body.update(overrides)
    return body


def post(client, url: str, body: dict | None = None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_create_read_and_accept(api_client):
    # given two articles
    two_articles()
    # when a quote is created
    created = post(api_client, URL, payload())
    # then 201 with the computed totals, a draft numbered AN-…
    assert created.status_code == 201, created.content
    quote = created.json()
    assert quote["number"].startswith("AN-") and quote["status"] == "draft"
    assert (quote["total_net"], quote["total_vat"], quote["total_gross"]) == ("303.98", "52.06", "356.04")
    assert quote["lines"][0]["discounted_unit_price"] == "85.5000"
    assert api_client.get(f"{URL}/{quote['number']}").json()["total_gross"] == "356.04"
    # when it is accepted, twice
    first = post(api_client, f"{URL}/{quote['number']}/accept")
    second = post(api_client, f"{URL}/{quote['number']}/accept")
    # then 201 with the new order, then 200 with the same order
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["order_number"] == second.json()["order_number"]
    assert first.json()["order"]["total_gross"] == "356.04"
    assert first.json()["order"]["invoice"] is not None
    assert SalesOrder.objects.count() == 1
    assert api_client.get(f"{URL}/{quote['number']}").json()["status"] == "accepted"


def test_pdf_of_a_draft_is_a_preview(api_client):
    two_articles()
    number = post(api_client, URL, payload()).json()["number"]
    response = api_client.get(f"{URL}/{number}/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(("change", "field"), [
    ({"lines": []}, "lines"),
    ({"lines": [{"sku": "DESK", "quantity": "2"}]}, "lines.0.quantity"),
    ({"lines": [{"sku": "DESK", "quantity": 1, "unit_price": 19.99}]}, "lines.0.unit_price"),
    ({"lines": [{"sku": "DESK", "quantity": 1, "discount_percent": "150"}]}, "lines.0.discount_percent"),
    ({"lines": [{"sku": "DESK", "quantity": -1}]}, "lines.0.quantity"),
    ({"discount_percent": "-5"}, "discount_percent"),
    ({"valid_until": "1999-01-01"}, "valid_until"),
    ({"currency": "XXX"}, "currency"),
    ({"intro": "a\x00b"}, "intro"),
    ({"customer": {"email": "not-an-email", "name": "X"}}, "customer.email"),
])
def test_malformed_input_is_422_with_the_field_and_stores_nothing(api_client, change, field):
    two_articles()
    response = post(api_client, URL, payload(**change))
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["details"]["errors"]]
    assert not Quote.objects.exists() and not Customer.objects.exists()


def test_business_rule_violations_are_422_and_store_nothing(api_client):
    two_articles()
    unknown = post(api_client, URL, payload(lines=[{"sku": "NOPE", "quantity": 1}]))
    past = post(api_client, URL, payload(valid_until="2001-01-01"))
    bad_vat_id = post(api_client, URL, payload(customer={"email": "x@example.com", "name": "X",
                                                         "vat_id": "DE000000000"}))
    assert (unknown.status_code, unknown.json()["details"]["field"]) == (422, "lines.0.sku")
    assert (past.status_code, past.json()["details"]["field"]) == (422, "valid_until")
    assert bad_vat_id.status_code == 422
    assert not Quote.objects.exists() and not Customer.objects.exists()


def test_hostile_input_is_stored_as_text(api_client):
    two_articles()
    body = payload(intro="<script>alert(1)</script>\nZeile 2", customer={
        "email": "robert@example.com", "name": "Robert'); DROP TABLE sales_quote;--"})
    response = post(api_client, URL, body)
    assert response.status_code == 201
    quote = Quote.objects.get()
    assert quote.customer_name == "Robert'); DROP TABLE sales_quote;--"
    assert quote.intro.startswith("<script>")


def test_unknown_quote_is_404_and_the_token_is_required(api_client, client):
    assert api_client.get(f"{URL}/AN-2026-999999").status_code == 404
    assert post(api_client, f"{URL}/AN-2026-999999/accept").status_code == 404
    assert client.get(f"{URL}/AN-2026-999999").status_code == 401
    assert post(client, URL, payload()).status_code == 401


def test_accepting_a_declined_quote_is_a_conflict(api_client):
    two_articles()
    number = post(api_client, URL, payload()).json()["number"]
    quote_decline(quote=Quote.objects.get(number=number), actor=TESTER)
    response = post(api_client, f"{URL}/{number}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "quote_not_acceptable"
