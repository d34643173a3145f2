"""The purchasing API: suppliers, purchase orders, receipts, reorder proposals — and
malformed, hostile and duplicate input answered with 4xx, the field and the reason, and
nothing changed."""

import json
from decimal import Decimal

import pytest

from kontorhaus.inventory.selectors import stock_availability
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.purchasing.models import GoodsReceipt, PurchaseOrder, Supplier
from kontorhaus.purchasing.tests.factories import make_gtin_article, make_supplier, make_terms, set_policy

pytestmark = pytest.mark.django_db

SUPPLIER = {"number": "70001", "name": "Textil Nord GmbH", "email": "einkauf@textil-nord.example",
            "street": "Kai 3", "postal_code": "24103", "city": "Kiel", "contact_name": "Jan Meier"}


def post(client, path, body, **headers):
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **headers)


def fields(response) -> list[str]:
    details = response.json()["details"]
    return [e["field"] for e in details["errors"]] if "errors" in details else [details.get("field")]


def test_without_a_token_nothing_is_created(client):
    assert post(client, "/suppliers", SUPPLIER).status_code == 401
    assert not Supplier.objects.exists()


def test_a_supplier_is_created_read_and_given_terms(api_client):
    make_gtin_article("SHIRT")
    created = post(api_client, "/suppliers", SUPPLIER)
    assert created.status_code == 201 and created.json()["number"] == "70001"
    terms = api_client.put("/api/v1/suppliers/70001/terms/SHIRT", content_type="application/json",
                           data=json.dumps({"purchase_price": "4.20", "pack_size": 6, "preferred": True}))
    assert terms.status_code == 200 and Decimal(terms.json()["purchase_price"]) == Decimal("4.20")
    detail = api_client.get("/api/v1/suppliers/70001").json()
    assert detail["terms"][0]["sku"] == "SHIRT" and detail["currency"] == "EUR"
    assert api_client.get("/api/v1/suppliers/nope").status_code == 404


@pytest.mark.parametrize(("changes", "field"), [
    ({"number": "../x"}, "number"),
    ({"number": ""}, "number"),
    ({"email": "nope"}, "email"),
    ({"name": "<script>\x00"}, "name"),
    ({"currency": "eu"}, "currency"),
    ({"payment_terms_days": "30"}, "payment_terms_days"),
    ({"payment_terms_days": 10**12}, "payment_terms_days"),
    ({"country": "XX"}, "country"),
    ({"vat_id": "123"}, "vat_id"),
    ({"unknown": 1}, "unknown"),
])
def test_malformed_suppliers_get_422_with_the_field(api_client, changes, field):
    response = post(api_client, "/suppliers", {**SUPPLIER, **changes})
    assert response.status_code == 422, response.content
    assert field in fields(response)[0]
    assert not Supplier.objects.exists()


def test_a_duplicate_supplier_number_is_refused(api_client):
    post(api_client, "/suppliers", SUPPLIER)
    response = post(api_client, "/suppliers", {**SUPPLIER, "name": "Other"})
    assert (response.status_code, response.json()["code"], fields(response)) == (422, "duplicate", ["number"])
    assert Supplier.objects.get().name == "Textil Nord GmbH"


@pytest.fixture
def shirt_supplier(db):
    shirt = make_gtin_article("SHIRT", gtin="4006381333931")
    supplier = make_supplier()
    make_terms(supplier, shirt, price="4.00", pack=10)
    return shirt, supplier


def test_order_send_receive_and_receive_again(api_client, shirt_supplier):
    shirt, _ = shirt_supplier
    created = post(api_client, "/purchase-orders", {"supplier": "70001", "lines": [{"sku": "SHIRT", "quantity": 10}]})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert (created.json()["status"], created.json()["total_net"]) == ("draft", "40.00")
    early = post(api_client, f"/purchase-orders/{number}/receipts", {"lines": [{"sku": "SHIRT", "quantity": 1}]},
                 HTTP_IDEMPOTENCY_KEY="r1")
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    sent = post(api_client, f"/purchase-orders/{number}/order", {})
    assert sent.json()["status"] == "ordered" and OutgoingEmail.objects.count() == 1
    assert post(api_client, f"/purchase-orders/{number}/order", {}).status_code == 200
    assert OutgoingEmail.objects.count() == 1
    body = {"lines": [{"sku": "4006381333931", "quantity": 4}]}
    first = post(api_client, f"/purchase-orders/{number}/receipts", body, HTTP_IDEMPOTENCY_KEY="delivery-1")
    again = post(api_client, f"/purchase-orders/{number}/receipts", body, HTTP_IDEMPOTENCY_KEY="delivery-1")
    other = post(api_client, f"/purchase-orders/{number}/receipts", {"lines": [{"sku": "SHIRT", "quantity": 5}]},
                 HTTP_IDEMPOTENCY_KEY="delivery-1")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json()["purchase_order"]["status"] == "partially_received"
    assert stock_availability(articles=[shirt])[shirt.pk].on_hand == 4
    assert api_client.get(f"/api/v1/purchase-orders/{number}").json()["lines"][0]["received_quantity"] == 4
    pdf = api_client.get(f"/api/v1/purchase-orders/{number}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(("body", "headers", "status", "field"), [
    ({"lines": [{"sku": "SHIRT", "quantity": 11}]}, {"HTTP_IDEMPOTENCY_KEY": "k"}, 422, "lines[0].quantity"),
    ({"lines": [{"sku": "SHIRT", "quantity": "1"}]}, {"HTTP_IDEMPOTENCY_KEY": "k"}, 422, "lines.0.quantity"),
    ({"lines": [{"sku": "SHIRT", "quantity": 1.5}]}, {"HTTP_IDEMPOTENCY_KEY": "k"}, 422, "lines.0.quantity"),
    ({"lines": [{"sku": "SHIRT", "quantity": 1}]}, {}, 422, "Idempotency-Key"),
    ({"lines": [{"sku": "SHIRT", "quantity": 1}]}, {"HTTP_IDEMPOTENCY_KEY": "k" * 201}, 422, "Idempotency-Key"),
    ({"lines": []}, {"HTTP_IDEMPOTENCY_KEY": "k"}, 422, "lines"),
    ({"lines": [{"sku": "CAP", "quantity": 1}]}, {"HTTP_IDEMPOTENCY_KEY": "k"}, 422, "lines[0].sku"),
    ({"lines": [{"sku": "SHIRT", "quantity": 1, "bin": "../../etc"}]}, {"HTTP_IDEMPOTENCY_KEY": "k"}, 422,
     "lines[0].bin"),
    ({"lines": [{"sku": "SHIRT", "quantity": 1}], "extra": True}, {"HTTP_IDEMPOTENCY_KEY": "k"}, 422, "extra"),
])
def test_malformed_receipts_change_nothing(api_client, shirt_supplier, body, headers, status, field):
    created = post(api_client, "/purchase-orders", {"supplier": "70001", "lines": [{"sku": "SHIRT", "quantity": 10}]})
    number = created.json()["number"]
    post(api_client, f"/purchase-orders/{number}/order", {})
    response = post(api_client, f"/purchase-orders/{number}/receipts", body, **headers)
    assert response.status_code == status, response.content
    assert field in fields(response)[0]
    assert not GoodsReceipt.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"supplier": "99999", "lines": [{"sku": "SHIRT", "quantity": 1}]}, "supplier"),
    ({"supplier": "70001", "warehouse": "NOPE", "lines": [{"sku": "SHIRT", "quantity": 1}]}, "warehouse"),
    ({"supplier": "70001", "lines": [{"sku": "NOPE", "quantity": 1}]}, "lines[0].sku"),
    ({"supplier": "70001", "lines": [{"sku": "SHIRT", "quantity": 0}]}, "lines.0.quantity"),
    ({"supplier": "70001", "lines": [{"sku": "SHIRT", "quantity": 1, "unit_price": 1.5}]}, "lines.0.unit_price"),
    ({"supplier": "70001", "lines": [{"sku": "SHIRT", "quantity": 1}, {"sku": "SHIRT", "quantity": 2}]},
     "lines[1].sku"),
    ({"supplier": "70001"}, "lines"),
    ({"supplier": "70001", "from_proposal": True}, "from_proposal"),
])
def test_malformed_purchase_orders_change_nothing(api_client, shirt_supplier, body, field):
    response = post(api_client, "/purchase-orders", body)
    assert response.status_code == 422, response.content
    assert field in fields(response)[0]
    assert not PurchaseOrder.objects.exists()


def test_the_reorder_proposal_and_an_order_from_it(api_client, shirt_supplier):
    shirt, _ = shirt_supplier
    set_policy(shirt, reorder_point=5, target=25)
    proposals = api_client.get("/api/v1/reorder-proposals").json()["proposals"]
    assert [(p["supplier"], [(x["sku"], x["quantity"]) for x in p["lines"]]) for p in proposals] == [
        ("70001", [("SHIRT", 30)])]
    created = post(api_client, "/purchase-orders", {"supplier": "70001", "from_proposal": True})
    assert created.status_code == 201 and created.json()["lines"][0]["quantity"] == 30
    # confirmed twice: the draft is on order now, so there is nothing left to propose
    again = post(api_client, "/purchase-orders", {"supplier": "70001", "from_proposal": True})
    assert (again.status_code, again.json()["code"]) == (422, "nothing_to_order")
    assert api_client.get("/api/v1/reorder-proposals").json()["proposals"] == []
