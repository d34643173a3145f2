"""The customer's tracking page: per parcel the carrier, the tracking number and link, the steps
and the timeline, newest first; reached by the shipment e-mail's tracking link or the order's
portal link; refused alike for a tampered, expired, foreign-purpose or hostile token, and never
showing another order."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kontorhaus.core import clock
from kontorhaus.documents.portal_links import TRACKING, portal_link
from kontorhaus.fulfillment.selectors_tracking import order_tracking
from kontorhaus.web.portal_links import ORDER, RETURN, WITHDRAWAL, portal_link_make, portal_token_make
from kontorhaus.web.portal_tracking_links import TRACKING_LINK_DAYS, tracking_link
from kontorhaus.web.views_portal_tracking import STEPS, parcel_page

from .factories_portal import event, in_transit_and_delivered, packed_order, released_order_of_one, tracked_parcels

pytestmark = pytest.mark.django_db


def _path(order_number: str) -> str:
    return urlsplit(tracking_link(order_number)).path


def _get(path: str, language: str = "de"):
    return Client(HTTP_ACCEPT_LANGUAGE=language).get(path)


def test_the_tracking_link_from_the_e_mail_shows_every_parcel_with_steps_and_timeline(django_assert_max_num_queries):
    # given an order in two parcels, one on its way and one delivered
    order, (moving, delivered) = in_transit_and_delivered()
    url = tracking_link(order.number)
    assert url.startswith(settings.KONTORHAUS["PUBLIC_URL"] + "/portal/o/") and url.endswith("/tracking")
    # when the customer opens the link from the shipment e-mail
    with django_assert_max_num_queries(8):
        response = _get(urlsplit(url).path)
    # then both parcels are there with carrier, number and the carrier's tracking link
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sendungsverfolgung" in html and order.number in html
    for parcel in (moving, delivered):
        assert parcel.tracking_number in html
        assert f"piececode={parcel.tracking_number}" in html
    assert html.count('class="card tracking-parcel"') == 2 and "DHL" in html
    # the parcel on its way is "in transit", the other one delivered
    first, second = response.context["parcels"]
    assert [s.state for s in first.steps] == ["done", "done", "current", "todo", "todo"]
    assert [s.state for s in second.steps] == ["done"] * 5
    assert (first.parcel.status, second.parcel.status) == ("in_transit", "delivered")
    # and the timeline runs newest first
    texts = [e.text for e, _ in second.events]
    assert texts[0] == "Die Sendung wurde erfolgreich zugestellt." and texts[-1].startswith("Die Sendung wurde im")
    assert html.index("erfolgreich zugestellt") < html.index("in das Zustellfahrzeug")
    # a tracking-only link leads nowhere else in the portal
    assert "/withdrawal/" not in html and "/return/" not in html and 'class="portal-nav"' not in html


def test_private_headers_and_english():
    order, _ = in_transit_and_delivered()
    response = _get(_path(order.number), language="en")
    html = response.content.decode()
    assert "Track your order" in html and "Delivered" in html and "In transit" in html
    assert response["X-Robots-Tag"].startswith("noindex") and response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex' in html


def test_the_order_link_of_the_portal_opens_tracking_with_the_portal_navigation():
    order, _ = in_transit_and_delivered()
    token = portal_token_make(order_number=order.number, purpose=ORDER, max_age_days=1)
    response = _get(reverse("web:portal_tracking", kwargs={"token": token}))
    assert response.status_code == 200
    assert reverse("web:portal_withdrawal", kwargs={"token": token}) in response.content.decode()


def test_a_packed_parcel_without_tracking_number_is_being_prepared():
    order, _ = packed_order()
    response = _get(_path(order.number))
    [page] = response.context["parcels"]
    assert page.parcel.status == "" and page.parcel.tracking_number == ""
    assert "Wird vorbereitet" in response.content.decode()


def test_an_order_not_packed_yet_says_so():
    order = released_order_of_one()
    response = _get(_path(order.number))
    assert response.status_code == 200 and response.context["parcels"] == []
    assert "Noch nicht verschickt" in response.content.decode()


def test_a_problem_parcel_halts_its_steps_and_says_so():
    order, shipment = packed_order()
    tracked_parcels(shipment, [event("in_transit", 0, "Bearbeitet", "Hamburg"),
                               event("exception", 5, "Adresse unvollständig", "Berlin", problem="address")])
    response = _get(_path(order.number))
    [page] = response.context["parcels"]
    assert [s.state for s in page.steps] == ["done", "done", "problem", "todo", "todo"]
    assert page.problem and 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
    lambda t: t.split(":")[0] + ":AAAAAA:" + t.split(":")[-1],  # another signature part
    lambda t: t + "x",
    lambda t: "x",
])
def test_a_tampered_link_gets_the_friendly_refusal(tamper):
    order, _ = in_transit_and_delivered()
    token = _path(order.number).split("/")[3]
    path = f"/portal/o/{tamper(token)}/tracking"
    response = _get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert order.number not in html and "tracking-parcel" not in html
    assert f'href="{reverse("web:portal_lookup")}"' in html  # the way back in: order number + postal code
    assert response["X-Robots-Tag"].startswith("noindex")


def test_an_expired_link_is_refused(monkeypatch):
    order, _ = in_transit_and_delivered()
    path = _path(order.number)
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now + dt.timedelta(days=TRACKING_LINK_DAYS - 1))
    assert _get(path).status_code == 200
    monkeypatch.setattr(clock, "now", lambda: now + dt.timedelta(days=TRACKING_LINK_DAYS, minutes=1))
    response = _get(path)
    assert response.status_code == 404 and order.number not in response.content.decode()


@pytest.mark.parametrize("purpose", [RETURN, WITHDRAWAL])
def test_a_link_made_for_another_page_does_not_open_tracking(purpose):
    order, _ = in_transit_and_delivered()
    token = portal_token_make(order_number=order.number, purpose=purpose, max_age_days=5)
    assert _get(reverse("web:portal_tracking", kwargs={"token": token})).status_code == 404


def test_one_orders_link_never_shows_another_orders_parcels():
    mine, (mine_1, _) = in_transit_and_delivered()
    theirs, (theirs_1, theirs_2) = in_transit_and_delivered()
    html = _get(_path(mine.number)).content.decode()
    assert mine_1.tracking_number in html
    assert theirs.number not in html
    assert theirs_1.tracking_number not in html and theirs_2.tracking_number not in html


@pytest.mark.parametrize("token", ["A" * 5000, "<script>alert(1)</script>", "..%2F..%2Fetc", "' OR 1=1 --",
                                   "eyJvIjoiQVUtMjAyNi0wMDAwMDEiLCJlIjo5OTk5OTk5OTk5fQ:1abc:forged"])
def test_hostile_tokens_are_refused_without_echo(token):
    response = _get(f"/portal/o/{token}/tracking")
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_page_only_reads():
    order, _ = in_transit_and_delivered()
    path = _path(order.number)
    for method in ("post", "put", "delete", "patch"):
        assert getattr(Client(), method)(path).status_code == 405
    assert Client().head(path).status_code == 200
    # opening it twice (a mail scanner, then the customer) shows the same and changes nothing
    assert _get(path).context["parcels"] == _get(path).context["parcels"]


def test_steps_for_each_status():
    order, shipment = packed_order()
    [parcel] = tracked_parcels(shipment, [event("out_for_delivery", 3, "Zustellung heute")])
    [tracking] = order_tracking(order_number=order.number)
    page = parcel_page(tracking)
    assert [s.key for s in page.steps] == [key for key, _ in STEPS]
    assert [s.state for s in page.steps] == ["done", "done", "done", "current", "todo"]
    assert parcel.tracking_status == "out_for_delivery"


def test_the_tracking_link_in_the_shipment_e_mail_is_this_page():
    # documents.portal_links is how the flows below web get the link (registered by WebConfig)
    order, _ = in_transit_and_delivered()
    link = portal_link(TRACKING, order_number=order.number)
    assert link == tracking_link(order.number)
    assert _get(urlsplit(link).path).status_code == 200
    assert portal_link_make(order_number=order.number, purpose=TRACKING, max_age_days=1).endswith("/tracking")


def test_the_lookup_by_order_number_and_postal_code_leads_to_the_tracking_page():
    # given a customer without the e-mail: order number and the postal code of the address
    order, (moving, _) = in_transit_and_delivered()
    customer = Client(HTTP_ACCEPT_LANGUAGE="de")
    postal_code = (order.shipping_address or order.billing_address)["postal_code"]
    # when they look the order up, then follow the portal's link to the tracking
    found = customer.post(reverse("web:portal_lookup"), {"order_number": order.number, "postal_code": postal_code})
    assert found.status_code == 302
    landing = customer.get(found["Location"])
    tracking = re.search(r'href="(/portal/o/[^"]+/tracking)"', landing.content.decode()).group(1)
    page = customer.get(tracking)
    # then the tracking page shows the order's parcels
    assert page.status_code == 200 and moving.tracking_number in page.content.decode()
    # and a wrong postal code leads nowhere
    wrong = customer.post(reverse("web:portal_lookup"), {"order_number": order.number, "postal_code": "99999"})
    assert wrong.status_code == 200 and "/tracking" not in wrong.content.decode()
