"""Suppliers, their terms and purchase orders: the services, with malformed, hostile and
duplicate input refused and nothing changed."""

from decimal import Decimal

import pytest

from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.purchasing.models import PurchaseOrder, Supplier, SupplierTerms
from kontorhaus.purchasing.services import SupplierData, SupplierTermsData, supplier_create, supplier_update
from kontorhaus.purchasing.services_orders import (
    PurchaseOrderLineRequest,
    PurchaseOrderRequest,
    purchase_order_cancel,
    purchase_order_create,
    purchase_order_send,
    purchase_orders_create,
)
from kontorhaus.purchasing.snapshots import purchase_order_pdf
from kontorhaus.sales.tests.factories import TESTER, make_article

from .factories import main_warehouse, make_po, make_supplier, make_terms

pytestmark = pytest.mark.django_db


def test_a_supplier_is_created_with_its_data_cleaned():
    supplier = make_supplier(email="Einkauf@Textil-Nord.example", vat_id="de 123456789", currency="eur")
    assert (supplier.number, supplier.email, supplier.vat_id, supplier.currency) == (
        "70001", "einkauf@textil-nord.example", "DE123456789", "EUR")


@pytest.mark.parametrize(("number", "overrides", "field"), [
    ("", {}, "number"),
    ("../etc", {}, "number"),
    ("x" * 33, {}, "number"),
    ("70002", {"name": "  "}, "name"),
    ("70002", {"name": "x" * 201}, "name"),
    ("70002", {"email": "not-an-email"}, "email"),
    ("70002", {"email": "<script>@x"}, "email"),
    ("70002", {"currency": "Euro"}, "currency"),
    ("70002", {"country": "Germany"}, "country"),
    ("70002", {"payment_terms_days": -1}, "payment_terms_days"),
    ("70002", {"payment_terms_days": 9999}, "payment_terms_days"),
    ("70002", {"vat_id": "123"}, "vat_id"),
    ("70002", {"language": "fr"}, "language"),
])
def test_malformed_suppliers_are_refused(number, overrides, field):
    data = {"name": "Nord", "email": "a@b.example", **overrides}
    with pytest.raises(InvalidInput) as error:
        supplier_create(number=number, data=SupplierData(**data), actor=TESTER)
    assert error.value.details["field"] == field
    assert not Supplier.objects.exists()


def test_a_supplier_number_is_taken_once():
    make_supplier()
    with pytest.raises(InvalidInput) as error:
        make_supplier(name="Other")
    assert (error.value.code, error.value.details["field"]) == ("duplicate", "number")
    assert Supplier.objects.get().name == "Textil Nord GmbH"


def test_a_supplier_update_changes_only_what_changed():
    supplier = make_supplier()
    updated = supplier_update(supplier=supplier, actor=TESTER, data=SupplierData(
        name="Textil Nord AG", email="einkauf@textil-nord.example", street="Kai 3", postal_code="24103", city="Kiel",
        contact_name="Jan Meier", payment_terms_days=14))
    assert (updated.name, updated.payment_terms_days) == ("Textil Nord AG", 14)


def test_one_preferred_supplier_per_article():
    shirt = make_article(sku="SHIRT")
    first, second = make_supplier("70001"), make_supplier("70002", name="Zweit")
    make_terms(first, shirt, preferred=True)
    make_terms(second, shirt, preferred=True, price="4.50")
    assert list(SupplierTerms.objects.filter(preferred=True).values_list("supplier__number", flat=True)) == ["70002"]
    assert SupplierTerms.objects.count() == 2


@pytest.mark.parametrize(("changes", "field"), [
    ({"purchase_price": Decimal("-1")}, "purchase_price"),
    ({"purchase_price": Decimal("1.23456")}, "purchase_price"),
    ({"purchase_price": Decimal("NaN")}, "purchase_price"),
    ({"pack_size": 0}, "pack_size"),
    ({"minimum_order_quantity": 0}, "minimum_order_quantity"),
    ({"lead_time_days": 366}, "lead_time_days"),
    ({"supplier_sku": "x" * 65}, "supplier_sku"),
])
def test_malformed_terms_are_refused(changes, field):
    from kontorhaus.purchasing.services import supplier_terms_set  # noqa: PLC0415

    shirt, supplier = make_article(sku="SHIRT"), make_supplier()
    data = SupplierTermsData(**{"purchase_price": Decimal("5.00"), **changes})
    with pytest.raises(InvalidInput) as error:
        supplier_terms_set(supplier=supplier, article=shirt, data=data, actor=TESTER)
    assert error.value.details["field"] == field
    assert not SupplierTerms.objects.exists()


def test_a_purchase_order_takes_prices_from_the_terms_and_adds_up_exactly():
    # given a supplier with terms for two articles
    shirt, cap = make_article(sku="SHIRT"), make_article(sku="CAP")
    supplier = make_supplier()
    make_terms(supplier, shirt, price="3.3333")
    # when a purchase order names a price for the cap only
    order = purchase_order_create(actor=TESTER, request=PurchaseOrderRequest(
        supplier=supplier, warehouse=main_warehouse(),
        lines=[PurchaseOrderLineRequest(shirt, 3), PurchaseOrderLineRequest(cap, 2, Decimal("1.005"))]))
    # then
    lines = list(order.lines.all())
    assert order.number.startswith("BE-") and order.status == "draft"
    assert [(line.sku, line.supplier_sku, line.unit_price, line.net) for line in lines] == [
        ("SHIRT", "S-SHIRT", Decimal("3.3333"), Decimal("10.00")), ("CAP", "", Decimal("1.0050"), Decimal("2.01"))]
    assert order.total_net == Decimal("12.01")


@pytest.mark.parametrize(("lines", "field"), [
    ([], "lines"),
    ([("SHIRT", 0, None)], "lines[0].quantity"),
    ([("SHIRT", -3, None)], "lines[0].quantity"),
    ([("SHIRT", 10_000_000, None)], "lines[0].quantity"),
    ([("SHIRT", 1, None), ("SHIRT", 2, None)], "lines[1].sku"),
    ([("CAP", 1, None)], "lines[0].unit_price"),
    ([("CAP", 1, "-1")], "lines[0].unit_price"),
    ([("CAP", 1, "0.00001")], "lines[0].unit_price"),
    ([("EBOOK", 1, "1.00")], "lines[0].sku"),
])
def test_malformed_purchase_orders_are_refused(lines, field):
    articles = {"SHIRT": make_article(sku="SHIRT"), "CAP": make_article(sku="CAP"),
                "EBOOK": make_article(sku="EBOOK", kind="digital")}
    supplier = make_supplier()
    make_terms(supplier, articles["SHIRT"])
    request = PurchaseOrderRequest(supplier=supplier, warehouse=main_warehouse(), lines=[
        PurchaseOrderLineRequest(articles[sku], qty, Decimal(price) if price else None) for sku, qty, price in lines])
    with pytest.raises(InvalidInput) as error:
        purchase_order_create(request=request, actor=TESTER)
    assert error.value.details["field"] == field
    assert not PurchaseOrder.objects.exists()


def test_an_inactive_supplier_gets_no_orders():
    shirt, supplier = make_article(sku="SHIRT"), make_supplier(active=False)
    with pytest.raises(InvalidInput):
        make_po(supplier, [(shirt, 1)], ordered=False)


def test_ordering_queues_one_e_mail_with_the_pdf_and_twice_is_a_no_op():
    shirt, supplier = make_article(sku="SHIRT"), make_supplier()
    make_terms(supplier, shirt, lead=10)
    order = make_po(supplier, [(shirt, 4)])
    again = purchase_order_send(purchase_order=order, actor=TESTER)
    email = OutgoingEmail.objects.get()
    assert (again.status, email.template, email.to) == ("ordered", "purchase_order", "einkauf@textil-nord.example")
    assert email.attachments == [{"kind": "purchase_order", "number": order.number}]
    assert order.number in email.subject and "Jan Meier" in email.body_text
    assert again.expected_on is not None and again.ordered_at is not None
    assert purchase_order_pdf(again).startswith(b"%PDF")


def test_a_cancelled_order_cannot_be_sent_and_cancelling_twice_is_a_no_op():
    shirt, supplier = make_article(sku="SHIRT"), make_supplier()
    make_terms(supplier, shirt)
    order = make_po(supplier, [(shirt, 4)], ordered=False)
    purchase_order_cancel(purchase_order=order, actor=TESTER)
    assert purchase_order_cancel(purchase_order=order, actor=TESTER).status == "cancelled"
    with pytest.raises(InvalidTransition):
        purchase_order_send(purchase_order=order, actor=TESTER)
    assert not OutgoingEmail.objects.exists()
    assert purchase_order_pdf(order).startswith(b"%PDF")  # a preview, never stored


def test_confirmed_proposals_become_orders_all_or_none():
    shirt, cap = make_article(sku="SHIRT"), make_article(sku="CAP")
    supplier = make_supplier()
    make_terms(supplier, shirt)
    good = PurchaseOrderRequest(supplier, main_warehouse(), [PurchaseOrderLineRequest(shirt, 2)])
    bad = PurchaseOrderRequest(supplier, main_warehouse(), [PurchaseOrderLineRequest(cap, 2)])  # no terms
    with pytest.raises(InvalidInput):
        purchase_orders_create(requests=[good, bad], actor=TESTER)
    assert not PurchaseOrder.objects.exists()
    emptied = PurchaseOrderRequest(supplier, main_warehouse(), [PurchaseOrderLineRequest(cap, 0)])
    assert len(purchase_orders_create(requests=[good, emptied], actor=TESTER)) == 1
