"""Purchasing in a real browser: a supplier with terms, the reorder proposal confirmed and
sent, the goods received by scanning (a barcode scanner types the code and Enter)."""

import re

import pytest

from kontorhaus.inventory.selectors import stock_availability
from kontorhaus.purchasing.models import PurchaseOrder
from kontorhaus.purchasing.tests.factories import make_gtin_article, set_policy

from .factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supplier_terms_reorder_and_receive_by_scanning(browser_page):
    # given a clerk and a shirt below its reorder point (0 of 5, target 12)
    page = browser_page
    UserFactory(username="anna")
    shirt = make_gtin_article("SHIRT", gtin="4006381333931")
    set_policy(shirt, reorder_point=5, target=12)
    page.goto("/purchasing/suppliers/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/purchasing/suppliers/$"))
    assert page.locator(".mainnav a.active").inner_text() == "Einkauf"

    # when: a new supplier, and its terms for the shirt (packs of 5, preferred)
    page.click("#supplier-new")
    page.fill("#id_number", "70001")
    page.fill("#id_name", "Textil Nord GmbH")
    page.fill("#id_email", "einkauf@textil-nord.example")
    page.click("#supplier-save")
    page.wait_for_url(re.compile(r"/purchasing/suppliers/70001/$"))
    page.fill("#terms-form #id_sku", "SHIRT")
    page.fill("#terms-form #id_purchase_price", "4.20")
    page.fill("#terms-form #id_pack_size", "5")
    page.check("#terms-form #id_preferred")
    page.click("#terms-save")
    page.wait_for_url(re.compile(r"/purchasing/suppliers/70001/$"))
    assert "SHIRT" in page.locator("#terms").inner_text()

    # and the reorder proposal (12 -> 15 in packs of 5) is confirmed and sent
    page.goto("/purchasing/reorder/")
    assert page.locator("input[name='qty-SHIRT']").input_value() == "15"
    page.fill("input[name='qty-SHIRT']", "10")
    page.click("#proposal-70001-MAIN button[type=submit]")
    page.wait_for_url(re.compile(r"/purchasing/orders/BE-\d{4}-\d+/$"))
    page.click("#po-send")
    page.wait_for_selector("#po-receive")

    # and the goods are received by scanning the GTIN ten times
    page.click("#po-receive")
    # the scanner types only once the page's script listens (before, Enter submits the form)
    page.wait_for_url(re.compile(r"/receive/$"))
    page.wait_for_load_state("load")
    for _ in range(10):
        page.fill("#scan", "4006381333931")
        page.press("#scan", "Enter")
    assert page.locator("input[name='qty-1']").input_value() == "10"
    page.click("#receipt-book")
    page.wait_for_url(re.compile(r"/purchasing/orders/BE-\d{4}-\d+/$"))

    # then the purchase order is received and the stock is there
    assert PurchaseOrder.objects.get().status == "received"
    assert stock_availability(articles=[shirt])[shirt.pk].on_hand == 10
