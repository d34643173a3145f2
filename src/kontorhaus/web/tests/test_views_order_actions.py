from decimal import Decimal

import pytest
from django.test import Client

from kontorhaus.billing.models import CreditNote, Payment
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    make_article(stock=5)
    return place_order().order  # 44.88 incl. VAT, prepayment, unpaid


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_user("erika", password="pw-123456789")
    client.force_login(user)
    return client


def test_recording_a_payment_on_the_page_updates_the_payment_state(staff, order):
    response = staff.post(f"/orders/{order.number}/payments/",
                          {"amount": "44,88", "method": "prepayment", "reference": "Überweisung"},
                          HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.source, payment.actor) == (Decimal("44.88"), "manual", "user:erika")
    assert SalesOrder.objects.get(pk=order.pk).payment_state == "paid"
    page = staff.get(response.url, HTTP_ACCEPT_LANGUAGE="de")
    assert "Zahlung erfasst." in page.content.decode() or "Payment recorded." in page.content.decode()


@pytest.mark.parametrize("amount", ["", "0", "-3", "abc", "1e9999"])
def test_a_bad_amount_is_shown_and_books_nothing(staff, order, amount):
    response = staff.post(f"/orders/{order.number}/payments/", {"amount": amount, "method": "prepayment"},
                          follow=True)
    assert response.status_code == 200
    assert not Payment.objects.exists()
    assert b"message error" in response.content


def test_cancelling_on_the_page_issues_the_credit_note_once(staff, order):
    for _ in range(2):
        assert staff.post(f"/orders/{order.number}/cancel/", {"reason": "Kunde"}).status_code == 302
    assert SalesOrder.objects.get(pk=order.pk).status == "cancelled"
    assert CreditNote.objects.count() == 1
    page = staff.get(f"/orders/{order.number}/").content.decode()
    assert 'id="cancel"' not in page and 'id="payment-form"' not in page


def test_commands_need_login_and_post(staff, order):
    anonymous = Client()
    assert anonymous.post(f"/orders/{order.number}/cancel/").status_code == 302
    assert anonymous.post(f"/orders/{order.number}/payments/", {"amount": "1"}).status_code == 302
    assert SalesOrder.objects.get(pk=order.pk).status == "open"
    assert not Payment.objects.exists()
    assert staff.get(f"/orders/{order.number}/cancel/").status_code == 405
    assert staff.post("/orders/AU-1999-000001/cancel/").status_code == 404


def test_the_order_list_filters_by_readiness(staff, order):
    # given one unpaid order awaiting payment, and one paid on the page
    paid = place_order().order
    staff.post(f"/orders/{paid.number}/payments/", {"amount": "44.88", "method": "prepayment"})
    # when filtering for orders ready to ship
    page = staff.get("/orders/", {"readiness": "ready"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    # then only the paid one is listed, with its traffic light
    assert paid.number in page and order.number not in page
    assert "Versandbereit" in page


def test_the_credit_limit_is_set_on_the_customer_page(staff, order):
    url = f"/customers/{order.customer.number}/credit-limit/"
    assert staff.post(url, {"credit_limit": "500,00"}, HTTP_ACCEPT_LANGUAGE="de").status_code == 302
    order.customer.refresh_from_db()
    assert order.customer.credit_limit == Decimal("500.00")
    for bad in ("-5", "abc", "1e99"):
        staff.post(url, {"credit_limit": bad})
        order.customer.refresh_from_db()
        assert order.customer.credit_limit == Decimal("500.00")
    staff.post(url, {"credit_limit": ""})  # empty: no limit
    order.customer.refresh_from_db()
    assert order.customer.credit_limit is None
    assert Client().post(url, {"credit_limit": "1"}).status_code == 302  # to the login page


def test_partial_delivery_is_switched_on_the_order_page(staff, order):
    url = f"/orders/{order.number}/partial-delivery/"
    assert staff.post(url, {"partial_delivery": "ship_available"}).status_code == 302
    assert SalesOrder.objects.get(pk=order.pk).partial_delivery == "ship_available"
    for bad in ("", "sometimes", "ship_available\x00"):
        staff.post(url, {"partial_delivery": bad})
        assert SalesOrder.objects.get(pk=order.pk).partial_delivery == "ship_available"
    page = staff.get(f"/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="ship_available" selected' in page and "VAT case" in page
    assert Client().post(url, {"partial_delivery": "wait"}).status_code == 302  # to the login page
    assert SalesOrder.objects.get(pk=order.pk).partial_delivery == "ship_available"
