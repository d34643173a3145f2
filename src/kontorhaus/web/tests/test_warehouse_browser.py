"""In a real browser: stock moves between two bins, then a count finds one unit short and the
difference is reviewed and booked."""

import re

import pytest

from kontorhaus.inventory.models import Location, StockLevel
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.inventory.services_bins import bin_create, warehouse_create
from kontorhaus.sales.tests.factories import TESTER

from .factories import PASSWORD, UserFactory, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_move_stock_between_bins_and_book_a_count_difference(browser_page):
    # given a warehouse with two bins and 6 mugs in A-01
    page = browser_page
    UserFactory(username="lager")
    warehouse = warehouse_create(code="HH", name="Hamburg", sellable=True, actor=TESTER)
    a01 = bin_create(warehouse=warehouse, label="A-01", walk_order=10, actor=TESTER)
    bin_create(warehouse=warehouse, label="B-01", walk_order=20, actor=TESTER)
    mug = make_article("MUG", stock=0)
    stock_adjust(article=mug, delta=6, reason="receipt", note="", actor=TESTER, location=a01)
    page.goto("/warehouse/HH/")
    page.fill("#id_username", "lager")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/warehouse/HH/$"))
    # when 2 are moved from A-01 to B-01
    form = page.locator("#transfer")
    form.locator("input[name=sku]").fill("MUG")
    form.locator("input[name=from_bin]").fill("A-01")
    form.locator("input[name=to_bin]").fill("B-01")
    form.locator("input[name=quantity]").fill("2")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/warehouse/HH/$"))
    # then the stock table shows 4 in A-01 and 2 in B-01
    assert page.locator('tr[data-bin="B-01"] td.num').first.inner_text() == "2"
    # when B-01 is counted and one unit is missing
    page.goto("/warehouse/HH/count/?bin=B-01")
    page.locator("input[name=counted-1]").fill("1")
    page.locator("button[value=review]").click()
    # then the review shows the difference, and booking it changes the stock
    assert page.locator("#review td.warn").inner_text() == "-1"
    page.locator("button[value=book]").click()
    page.locator(".message.success").wait_for()
    b01 = Location.objects.get(code="HH:B-01")
    assert StockLevel.objects.get(article=mug, location=b01).on_hand == 1
    assert StockLevel.objects.get(article=mug, location=a01).on_hand == 4
    assert stock_reconcile() == []
