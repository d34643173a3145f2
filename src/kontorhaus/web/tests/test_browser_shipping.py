"""A packer packs an order and books it with DHL in one go — against the local fake DHL
server (real HTTP, in this process on a free port) — sees the tracking number and opens the
label PDF; a second shipment, to an address DHL refuses, shows DHL's message and stays unbooked."""

import re

import pytest

from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import packed_shipment
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.sales.tests.factories import TESTER

from .factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
POSTAL_CODE_OF_HAMBURG_IN_BERLIN = {"name": "Max Muster", "street": "Hauptstraße 1", "postal_code": "10115",
                                    "city": "Hamburg", "country": "DE"}


def _scan(page, code):
    page.fill("#scan-input", code)
    page.press("#scan-input", "Enter")


def test_packer_books_with_dhl_and_sees_a_refusal(browser_page, dhl_account, fake_dhl):
    # given a picked order (to Berlin) and a packed shipment to an address DHL refuses
    page = browser_page
    UserFactory(username="paul", is_staff=False)
    stocked("MUG", units=10, bin_=make_bin("A-01", 10))
    order = released_order(("MUG", 1))
    run = start("single", order_number=order.number)
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    refused = packed_shipment(address=POSTAL_CODE_OF_HAMBURG_IN_BERLIN, sku="TEE")
    page.goto("/packing/")
    page.fill("#id_username", "paul")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/packing/$"))

    # when the packer scans the order and its article and presses "Packed, book and print label"
    _scan(page, order.number)
    page.wait_for_url(f"**/packing/{order.number}/")
    _scan(page, "MUG")
    page.wait_for_selector("#count-1:text('1')")
    page.click("#pack-book-button")
    page.wait_for_url(re.compile(r"/shipments/LS-\d{4}-\d+/\?print=label$"))

    # then the shipment is booked at DHL and the page shows its tracking number
    shipment = Shipment.objects.get(order_number=order.number)
    parcel = shipment.parcels.get()
    assert shipment.status == "booked" and parcel.tracking_number in fake_dhl.state.shipments
    assert page.locator("#parcel-1 .tracking-number").inner_text() == parcel.tracking_number
    assert page.locator("#shipment-status").inner_text() == "Beim Paketdienst gebucht"
    # and the label opens as a PDF
    href = page.get_attribute("#label-pdf", "href")
    label = page.request.get(href)
    assert label.status == 200 and label.headers["content-type"] == "application/pdf"
    assert label.body().startswith(b"%PDF")

    # when the packer books the second shipment
    page.goto(f"/shipments/{refused.number}/")
    page.click("#book")
    # then DHL's message is shown as an alert and nothing is booked
    error = page.locator("#booking-error[role=alert]")
    error.wait_for()
    assert "Postleitzahl passt nicht zum Ort" in error.inner_text()
    assert "Nichts wurde beim Paketdienst gebucht" in error.inner_text()
    refused.refresh_from_db()
    assert refused.status == "packed" and refused.tracking_number == ""
    assert page.locator("#book").is_visible() and page.locator("#label-pdf").count() == 0
