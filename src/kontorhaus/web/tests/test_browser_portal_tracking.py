"""A customer on a phone (390×844) opens the tracking link from the shipment e-mail: two parcels,
one on its way and one delivered, each with its steps and the carrier's events, readable without
zooming or scrolling sideways. A tampered link and an expired one get the friendly refusal."""

import datetime as dt
from urllib.parse import urlsplit

import pytest

from kontorhaus.core import clock
from kontorhaus.web.portal_tracking_links import TRACKING_LINK_DAYS, tracking_link

from .factories_portal import in_transit_and_delivered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_tracking_page_on_a_phone(browser_page):
    # given an order in two parcels and the link from its shipment e-mail
    page = browser_page
    page.set_viewport_size(PHONE)
    order, (moving, delivered) = in_transit_and_delivered()
    path = urlsplit(tracking_link(order.number)).path
    # when the customer opens it
    page.goto(path)
    # then both parcels are shown, with their numbers and the carrier's link
    page.wait_for_selector("#tracking")
    assert page.locator("h1").inner_text() == "Sendungsverfolgung"
    parcels = page.locator(".tracking-parcel")
    assert parcels.count() == 2
    first, second = parcels.nth(0), parcels.nth(1)
    assert moving.tracking_number in first.inner_text() and delivered.tracking_number in second.inner_text()
    link = first.locator("a.tracking-link")
    assert link.get_attribute("href").endswith(f"piececode={moving.tracking_number}")
    assert link.get_attribute("rel") == "noopener noreferrer" and link.is_visible()
    # the parcel on its way stands at "in transit", the other is delivered
    assert first.locator("[aria-current=step]").inner_text() == "Unterwegs"
    assert first.locator(".tracking-status").inner_text() == "Unterwegs"
    assert second.locator("li.step-done").count() == 5 and second.locator("[aria-current=step]").count() == 0
    assert second.locator(".tracking-status").inner_text() == "Zugestellt"
    # the timeline lists the carrier's events, newest first, with time and place
    events = second.locator(".tracking-timeline li")
    assert events.count() == 3
    assert "erfolgreich zugestellt" in events.nth(0).inner_text() and "Berlin" in events.nth(0).inner_text()
    assert "Start-Paketzentrum" in events.nth(2).inner_text()
    assert events.nth(2).locator("time").inner_text() == "23.11.2026 09:30"  # 08:30 UTC, in the shop's zone
    # everything fits the phone: no sideways scrolling, the five steps side by side within the card
    assert _no_sideways_scroll(page)
    steps = first.locator(".tracking-steps li")
    boxes = [steps.nth(i).bounding_box() for i in range(5)]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in boxes)
    assert len({round(b["y"]) for b in boxes}) == 1
    page.screenshot(path="/tmp/kh_c_tracking_phone.png", full_page=True)

    # when the customer switches to English (the portal's language buttons: a CSRF-protected POST)
    page.click(".portal-lang button[value=en]")
    page.wait_for_selector("html[lang=en]", state="attached")
    assert page.locator("h1").inner_text() == "Track your order"
    assert page.locator(".tracking-parcel").nth(1).locator(".tracking-status").inner_text() == "Delivered"


def test_a_tampered_or_expired_link_gets_the_friendly_refusal(browser_page, monkeypatch):
    page = browser_page
    page.set_viewport_size(PHONE)
    order, _ = in_transit_and_delivered()
    path = urlsplit(tracking_link(order.number)).path
    token = path.split("/")[3]
    # a changed character
    tampered = path.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    response = page.goto(tampered)
    assert response.status == 404
    assert page.locator("#refused").is_visible() and order.number not in page.content()
    assert page.locator("#refused a.button").get_attribute("href") == "/portal/"
    assert _no_sideways_scroll(page)
    # the real link, after it has expired (the live server reads the same clock)
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now + dt.timedelta(days=TRACKING_LINK_DAYS + 1))
    response = page.goto(path)
    assert response.status == 404 and page.locator("#refused").is_visible()
    assert page.locator(".tracking-parcel").count() == 0
    # and the way back in leads to the lookup by order number and postal code
    page.click("#refused a.button")
    page.wait_for_url("**/portal/")
    assert page.locator("input[name=postal_code]").is_visible()


@pytest.mark.skipif(not __import__("os").environ.get("KONTORHAUS_SCREENSHOTS"),
                    reason="set KONTORHAUS_SCREENSHOTS=1 to refresh")
def test_screenshot(browser_page):
    """Writes docs/screenshot-portal-tracking.png (the tracking page on a phone) for the README."""
    from pathlib import Path  # noqa: PLC0415

    page = browser_page
    page.set_viewport_size(PHONE)
    order, _ = in_transit_and_delivered()
    page.goto(urlsplit(tracking_link(order.number)).path)
    page.wait_for_selector("#tracking")
    docs = Path(__file__).resolve().parents[4] / "docs"
    page.screenshot(path=str(docs / "screenshot-portal-tracking.png"), full_page=True)
