"""The purchasing pages: suppliers with terms, the reorder list, purchase orders and the goods
receipt page, with malformed and duplicate input shown as errors and nothing changed."""

import pytest

from kontorhaus.inventory.selectors import stock_availability
from kontorhaus.purchasing.models import GoodsReceipt, PurchaseOrder, Supplier, SupplierTerms
from kontorhaus.purchasing.tests.factories import make_gtin_article, make_po, make_supplier, make_terms, set_policy

pytestmark = pytest.mark.django_db

SUPPLIER = {"number": "70001", "name": "Textil Nord", "email": "a@nord.example", "country": "DE", "currency": "EUR",
            "payment_terms_days": "30", "language": "de", "active": "on"}


def test_pages_need_a_login(client):
    assert client.get("/purchasing/reorder/").status_code == 302


def test_create_a_supplier_and_give_it_terms(client_in):
    make_gtin_article("SHIRT")
    response = client_in.post("/purchasing/suppliers/new/", SUPPLIER)
    assert response.status_code == 302 and Supplier.objects.filter(number="70001").exists()
    terms = {"sku": "SHIRT", "purchase_price": "4.20", "pack_size": "6", "minimum_order_quantity": "12",
             "lead_time_days": "3", "preferred": "on"}
    assert client_in.post("/purchasing/suppliers/70001/terms/", terms).status_code == 302
    page = client_in.get("/purchasing/suppliers/70001/")
    assert b"SHIRT" in page.content and SupplierTerms.objects.get().pack_size == 6
    assert client_in.get("/purchasing/suppliers/").status_code == 200


@pytest.mark.parametrize(("changes", "message"), [
    ({"email": "nope"}, b"email"),
    ({"number": "../x"}, b"supplier number"),
    ({"vat_id": "123"}, b"VAT id"),
])
def test_malformed_suppliers_are_shown_and_not_saved(client_in, changes, message):
    response = client_in.post("/purchasing/suppliers/new/", {**SUPPLIER, **changes})
    assert response.status_code == 200 and message in response.content
    assert not Supplier.objects.exists()


def test_unknown_sku_in_terms_is_an_error(client_in):
    make_supplier()
    response = client_in.post("/purchasing/suppliers/70001/terms/", {
        "sku": "<b>NOPE</b>", "purchase_price": "1", "pack_size": "1", "minimum_order_quantity": "1",
        "lead_time_days": "0"})
    assert response.status_code == 200 and b"&lt;b&gt;NOPE" in response.content
    assert not SupplierTerms.objects.exists()


def test_confirm_a_proposal_send_and_receive(client_in):
    shirt = make_gtin_article("SHIRT", gtin="4006381333931")
    make_terms(make_supplier(), shirt, pack=10)
    set_policy(shirt, reorder_point=5, target=25)
    assert b"qty-SHIRT" in client_in.get("/purchasing/reorder/").content
    # a negative quantity is refused, nothing created
    client_in.post("/purchasing/reorder/", {"supplier": "70001", "warehouse": "MAIN", "qty-SHIRT": "-3"})
    assert not PurchaseOrder.objects.exists()
    response = client_in.post("/purchasing/reorder/", {"supplier": "70001", "warehouse": "MAIN", "qty-SHIRT": "30"})
    order = PurchaseOrder.objects.get()
    assert response.url == f"/purchasing/orders/{order.number}/" and order.lines.get().quantity == 30
    # confirmed twice: nothing left to propose
    client_in.post("/purchasing/reorder/", {"supplier": "70001", "warehouse": "MAIN", "qty-SHIRT": "30"})
    assert PurchaseOrder.objects.count() == 1
    client_in.post(f"/purchasing/orders/{order.number}/send/")
    page = client_in.get(f"/purchasing/orders/{order.number}/receive/")
    receipt_id = page.context["receipt_id"]
    over = client_in.post(f"/purchasing/orders/{order.number}/receive/", {"receipt_id": receipt_id, "qty-1": "31"})
    assert over.status_code == 422 and not GoodsReceipt.objects.exists()
    for _ in range(2):  # a double submit books once
        client_in.post(f"/purchasing/orders/{order.number}/receive/", {"receipt_id": receipt_id, "qty-1": "30"})
    assert stock_availability(articles=[shirt])[shirt.pk].on_hand == 30
    assert client_in.get(f"/purchasing/orders/{order.number}/").status_code == 200
    assert client_in.get("/purchasing/orders/").status_code == 200
    assert client_in.get(f"/purchasing/orders/{order.number}.pdf").content.startswith(b"%PDF")


def test_cancel_and_unknown_numbers(client_in):
    shirt = make_gtin_article("SHIRT")
    supplier = make_supplier()
    make_terms(supplier, shirt)
    order = make_po(supplier, [(shirt, 2)], ordered=False)
    client_in.post(f"/purchasing/orders/{order.number}/cancel/")
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert client_in.get("/purchasing/orders/BE-0/").status_code == 404
    assert client_in.get("/purchasing/suppliers/nope/").status_code == 404
