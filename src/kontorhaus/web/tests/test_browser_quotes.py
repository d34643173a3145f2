"""A quote in a real browser: two lines (the second added on the page, prices prefilled from
the article by htmx), sent, then accepted into an order."""

import re

import pytest

from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import Quote, SalesOrder
from kontorhaus.sales.tests.factories_quotes import make_customer

from .factories import PASSWORD, UserFactory, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_send_and_accept_a_quote(browser_page):
    # given a clerk, a customer and two articles
    page = browser_page
    UserFactory(username="anna")
    customer = make_customer()
    make_article("DESK", name="Schreibtisch", price="119.00", stock=5)
    make_article("BOOK", name="Handbuch", price="26.74", vat_class="reduced", stock=5)
    page.goto("/quotes/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/quotes/$"))
    assert page.locator(".mainnav a.active").inner_text() == "Angebote"

    # when: a new quote with the customer and a desk; its net price is filled in by htmx
    page.click("a[href='/quotes/new/']")
    page.fill("#id_customer", customer.number)
    page.fill("#id_discount_percent", "5")
    page.fill("input[name='lines-0-sku']", "DESK")
    page.fill("input[name='lines-0-quantity']", "3")
    page.wait_for_function("document.querySelector(\"input[name='lines-0-unit_price']\").value === '100.00'")
    page.fill("input[name='lines-0-discount_percent']", "10")
    # and a second line added on the page
    page.click("#add-line")
    page.fill("input[name='lines-1-sku']", "BOOK")
    page.fill("input[name='lines-1-quantity']", "2")
    page.wait_for_function("document.querySelector(\"input[name='lines-1-unit_price']\").value === '24.99'")
    page.click("#quote-form button[type=submit].primary")

    # then: the quote page with both lines and the totals
    page.wait_for_url(re.compile(r"/quotes/AN-\d{4}-\d+/$"))
    quote = Quote.objects.get()
    assert page.locator("#line-table tbody tr").count() == 2
    assert "303,98" in page.locator("#totals").inner_text()  # 3 x 85.50 + 2 x 23.74 (5 % and 10 % off)

    # when: sent
    page.click("#quote-send")
    page.wait_for_load_state()
    # then
    assert page.locator("#quote-status").inner_text() == "Gesendet"
    assert OutgoingEmail.objects.filter(template="quote").count() == 1

    # when: accepted
    page.click("#quote-accept")
    # then: on the new order's page, at the quote's prices
    order = SalesOrder.objects.get()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert "356,04" in page.locator(".totals").inner_text()
    quote.refresh_from_db()
    assert (quote.status, quote.order_number) == ("accepted", order.number)
