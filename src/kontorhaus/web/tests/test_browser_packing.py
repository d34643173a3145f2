"""A packer at the packing station with a keyboard-wedge scanner (typed code + Enter): a
correct order is scanned complete and packed; on a second order a wrong article and one unit
too many are refused loudly, nothing is counted, and the order cannot be packed incomplete."""

import re

import pytest

from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

from .factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scan(page, code):
    page.fill("#scan-input", code)
    page.press("#scan-input", "Enter")


def test_packer_scans_a_correct_order_and_a_wrong_one(browser_page):
    # given two picked orders
    page = browser_page
    UserFactory(username="paul")
    shelf = make_bin("A-01", 10)
    stocked("MUG", units=10, bin_=shelf, gtin="4006381333931")
    stocked("TEE", units=10, bin_=shelf)
    stocked("SOCK", units=10, bin_=shelf)
    good = released_order(("MUG", 2), ("TEE", 1))
    bad = released_order(("MUG", 1), ("TEE", 1))
    run = start()
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    page.goto("/packing/")
    page.fill("#id_username", "paul")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/packing/$"))

    # when: the order number is scanned, then each article (the mug by its EAN)
    _scan(page, good.number)
    page.wait_for_url(f"**/packing/{good.number}/")
    _scan(page, "4006381333931")
    page.wait_for_selector("#count-1:text('1')")
    _scan(page, "MUG")
    page.wait_for_selector("#count-1:text('2')")
    _scan(page, "TEE")
    page.wait_for_selector("#count-2:text('1')")
    # then nothing is missing; packed
    assert page.locator("#missing-list").count() == 0
    page.click("#pack-button")
    page.wait_for_url(re.compile(r"/shipments/LS-\d{4}-\d+/$"))
    shipment = Shipment.objects.get(order_number=good.number)
    assert sorted((line.sku, line.quantity) for line in shipment.lines.all()) == [("MUG", 2), ("TEE", 1)]
    assert SalesOrder.objects.get(pk=good.pk).fulfillment_state == "packed"

    # when: the second order, by its tote; a sock (not in the order) is scanned
    page.goto("/packing/")
    tote = run.orders.get(order_number=bad.number)
    _scan(page, f"{run.number}-T{tote.tote}")
    page.wait_for_url(f"**/packing/{bad.number}/")
    _scan(page, "MUG")
    page.wait_for_selector("#count-1:text('1')")
    _scan(page, "SOCK")
    # then: refused loudly, nothing counted
    error = page.locator("#scan-error")
    error.wait_for()
    assert "SOCK" in error.inner_text() and "FALSCHER ARTIKEL" in error.inner_text()
    assert page.locator("#count-1").inner_text() == "1" and page.locator("#count-2").inner_text() == "0"
    # and one mug too many
    _scan(page, "MUG")
    page.wait_for_selector("#scan-error:has-text('EINER ZU VIEL')")
    assert page.locator("#count-1").inner_text() == "1"
    # the tee is listed as missing; packing now is refused (the order ships complete only)
    assert "TEE" in page.locator("#missing-list").inner_text()
    page.click("#pack-button")
    page.wait_for_selector("#pack-error")
    assert Shipment.objects.filter(order_number=bad.number).count() == 0
    # when the tee is scanned too, the order is packed with exactly its content
    _scan(page, "TEE")
    page.wait_for_selector("#count-2:text('1')")
    page.click("#pack-button")
    page.wait_for_url(re.compile(r"/shipments/LS-\d{4}-\d+/$"))
    shipment = Shipment.objects.get(order_number=bad.number)
    assert sorted((line.sku, line.quantity) for line in shipment.lines.all()) == [("MUG", 1), ("TEE", 1)]
    # and handed to the carrier
    page.click("#hand-over")
    page.wait_for_selector("#shipment-status:has-text('Übergeben')")
    assert SalesOrder.objects.get(pk=bad.pk).fulfillment_state == "shipped"
