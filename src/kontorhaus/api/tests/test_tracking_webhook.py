"""POST /api/v1/carriers/{code}/tracking-events: tracking events a carrier pushes, signed with
the carrier account's webhook secret. Parcels booked with the local fake DHL (real HTTP); the
deliveries signed like Kontorhaus signs its own outgoing webhooks. A valid delivery is recorded
once (a replay is a duplicate), delivered parcels make the order delivered, and anything
unsigned, stale, oversized or malformed is refused with 4xx and stores nothing."""

import datetime as dt
import json
import time

import pytest

from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.shipment_booking import shipment_book
from kontorhaus.fulfillment.models import Parcel, Shipment, TrackingAlert, TrackingEvent
from kontorhaus.fulfillment.services_booking import parcel_tracking_number_set
from kontorhaus.fulfillment.services_carriers import carrier_account_set
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import DHL_SECRETS, dhl_account_data, packed_shipment
from kontorhaus.integrations.services_webhooks_send import webhook_signature
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
SECRET = DHL_SECRETS["webhook_secret"]
URL = "/api/v1/carriers/dhl/tracking-events"
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}


@pytest.fixture
def booked(dhl_account, fake_dhl) -> Parcel:
    """A parcel booked with DHL, not handed over yet."""
    shipment = shipment_book(shipment=packed_shipment(address=BERLIN), actor=TESTER)
    return Parcel.objects.get(shipment=shipment)


def event(number: str, status: str = "in_transit", *, hours_ago: float = 2, **extra) -> dict:
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=hours_ago)
    return {"tracking_number": number, "timestamp": moment.isoformat(), "status_code": status,
            "description": f"{status} scan", "location": "Bonn, DE", **extra}


def body_of(*events: dict) -> bytes:
    return json.dumps({"events": list(events)}).encode()


def signed(body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"HTTP_X_KONTORHAUS_TIMESTAMP": str(timestamp),
            "HTTP_X_KONTORHAUS_SIGNATURE": webhook_signature(secret=secret, timestamp=timestamp, body=body)}


def post(client, body: bytes, headers: dict, url: str = URL):
    return client.post(url, data=body, content_type="application/json", **headers)


def _nothing_recorded(parcel: Parcel) -> None:
    assert not TrackingEvent.objects.exists()
    assert Parcel.objects.get(pk=parcel.pk).tracking_status == ""
    assert Shipment.objects.get(pk=parcel.shipment_id).status == "booked"


def test_a_signed_delivery_records_the_events(client, booked):
    # given a scan of our parcel, signed with the account's webhook secret (no API token)
    body = body_of(event(booked.tracking_number, "in_transit"))
    # when DHL pushes it
    response = post(client, body, signed(body))
    # then the event is stored as pushed, the parcel moves and the shipment counts as handed over
    assert response.status_code == 200, response.content
    assert response.json() == {"recorded": 1, "duplicates": 0, "unknown_tracking_numbers": [], "refused": [],
                               "parcels": [{"tracking_number": booked.tracking_number, "status": "in_transit"}]}
    stored = TrackingEvent.objects.get()
    assert (stored.status, stored.source, stored.text, stored.location) == ("in_transit", "webhook", "in_transit scan",
                                                                            "Bonn, DE")
    assert Shipment.objects.get(pk=booked.shipment_id).status == "shipped"


def test_delivered_makes_the_order_delivered(client, booked):
    # given the parcel is in transit and then delivered, both in one delivery
    body = body_of(event(booked.tracking_number, "in_transit", hours_ago=5),
                   event(booked.tracking_number, "out_for_delivery", hours_ago=3),
                   event(booked.tracking_number, "delivered", hours_ago=1))
    # when it is pushed
    response = post(client, body, signed(body))
    # then shipment and order are delivered, with a timeline event
    assert response.status_code == 200 and response.json()["recorded"] == 3
    shipment = Shipment.objects.get(pk=booked.shipment_id)
    assert shipment.status == "delivered" and shipment.delivered_at is not None
    order = SalesOrder.objects.get(number=shipment.order_number)
    assert order.fulfillment_state == "delivered"
    assert AuditEvent.objects.filter(action="sales.order.lines_carrier_delivered", order_number=order.number).exists()


def test_a_replayed_delivery_is_recorded_once(client, booked):
    # given a delivery received once
    body = body_of(event(booked.tracking_number, "in_transit"), event(booked.tracking_number, "in_transit"))
    headers = signed(body)
    first = post(client, body, headers)
    assert first.json()["recorded"] == 1 and first.json()["duplicates"] == 1  # the same event twice in it
    audit = AuditEvent.objects.count()
    # when the same bytes come again (a retry, or someone replaying it inside the window)
    again = post(client, body, headers)
    # and the same events again with a fresh signature
    fresh = post(client, body, signed(body))
    # then nothing is stored twice and nothing else happens
    assert again.status_code == fresh.status_code == 200
    assert again.json()["recorded"] == fresh.json()["recorded"] == 0
    assert again.json()["duplicates"] == fresh.json()["duplicates"] == 2
    assert TrackingEvent.objects.count() == 1 and AuditEvent.objects.count() == audit


def test_two_different_scans_in_the_same_second_are_two_events(client, booked):
    one = event(booked.tracking_number, "in_transit", description="Arrived at the parcel center")
    two = {**one, "description": "Left the parcel center"}
    body = body_of(one, two)
    assert post(client, body, signed(body)).json()["recorded"] == 2


def _tampered(body: bytes) -> tuple[bytes, dict]:
    return body.replace(b"in_transit", b"delivered"), signed(body)


@pytest.mark.parametrize("case", ["wrong secret", "tampered", "no headers", "no signature", "no timestamp",
                                  "not sha256", "not hex", "not ascii", "timestamp not a number", "v1 scheme",
                                  "signature of another timestamp"])
def test_a_delivery_without_a_valid_signature_is_401_and_stores_nothing(client, booked, case):
    body = body_of(event(booked.tracking_number, "in_transit"))
    now = int(time.time())
    good = signed(body, timestamp=now)
    digest = good["HTTP_X_KONTORHAUS_SIGNATURE"].removeprefix("sha256=")
    headers = {
        "wrong secret": lambda: signed(body, secret="whsec-guessed-0000000000"),
        "tampered": lambda: _tampered(body)[1],
        "no headers": lambda: {},
        "no signature": lambda: {"HTTP_X_KONTORHAUS_TIMESTAMP": str(now)},
        "no timestamp": lambda: {"HTTP_X_KONTORHAUS_SIGNATURE": good["HTTP_X_KONTORHAUS_SIGNATURE"]},
        "not sha256": lambda: {**good, "HTTP_X_KONTORHAUS_SIGNATURE": f"md5={digest}"},
        "not hex": lambda: {**good, "HTTP_X_KONTORHAUS_SIGNATURE": "sha256=" + "z" * 64},
        "not ascii": lambda: {**good, "HTTP_X_KONTORHAUS_SIGNATURE": "sha256=" + "ä" * 64},
        "timestamp not a number": lambda: {**good, "HTTP_X_KONTORHAUS_TIMESTAMP": f"{now}.5"},
        "v1 scheme": lambda: {**good, "HTTP_X_KONTORHAUS_SIGNATURE": f"t={now},v1={digest}"},
        "signature of another timestamp": lambda: {**good, "HTTP_X_KONTORHAUS_TIMESTAMP": str(now - 1)},
    }[case]()
    sent = _tampered(body)[0] if case == "tampered" else body
    response = post(client, sent, headers)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "invalid_signature" and response.json()["message"]
    _nothing_recorded(booked)


def test_an_api_token_is_no_signature(api_client, booked):
    body = body_of(event(booked.tracking_number, "in_transit"))
    assert post(api_client, body, {}).status_code == 401
    _nothing_recorded(booked)


@pytest.mark.parametrize("offset", [-400, 400, -10 ** 9])
def test_a_stale_or_future_timestamp_is_401(client, booked, offset):
    # the window is 300 s; the cases keep a margin, as the server reads its clock later than we do
    body = body_of(event(booked.tracking_number, "in_transit"))
    response = post(client, body, signed(body, timestamp=int(time.time()) + offset))
    assert response.status_code == 401 and "300 s" in response.json()["message"]
    _nothing_recorded(booked)


def test_a_timestamp_inside_the_window_is_accepted(client, booked):
    body = body_of(event(booked.tracking_number, "in_transit"))
    assert post(client, body, signed(body, timestamp=int(time.time()) - 200)).status_code == 200


def test_an_oversized_body_is_413(client, booked):
    padding = "x" * 2000
    events = [event(booked.tracking_number, "in_transit", hours_ago=i / 60, description=padding) for i in range(140)]
    body = body_of(*events)
    assert len(body) > 256 * 1024
    response = post(client, body, signed(body))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    _nothing_recorded(booked)


@pytest.mark.parametrize(("body", "status", "field"), [
    (b"{not json", 400, "body"),
    (b"\xff\xfe{}", 400, "body"),
    (b'[{"tracking_number": "1"}]', 400, "body"),
    (b"[" * 100_000, 400, "body"),
    (b"{}", 422, "events"),
    (b'{"events": []}', 422, "events"),
    (b'{"events": "all"}', 422, "events"),
])
def test_a_malformed_body_is_refused(client, booked, body, status, field):
    response = post(client, body, signed(body))
    assert response.status_code == status, response.content
    details = response.json()["details"]
    assert field in ({e["field"] for e in details.get("errors", [])} | {details.get("field")})
    _nothing_recorded(booked)


@pytest.mark.parametrize(("change", "field"), [
    ({"status_code": "teleported"}, "events.1.status_code"),
    ({"status_code": None}, "events.1.status_code"),
    ({"timestamp": "2026-11-27T09:12:00"}, "events.1.timestamp"),  # no offset: which time zone?
    ({"timestamp": "yesterday"}, "events.1.timestamp"),
    ({"timestamp": "1999-12-31T23:00:00Z"}, "events.1.timestamp"),
    ({"tracking_number": ""}, "events.1.tracking_number"),
    ({"tracking_number": "00340434\n16"}, "events.1.tracking_number"),
    ({"tracking_number": "<script>"}, "events.1.tracking_number"),
    ({"tracking_number": "9" * 81}, "events.1.tracking_number"),
    ({"tracking_number": 340434161094}, "events.1.tracking_number"),
    ({"description": "in transit\u0000"}, "events.1.description"),
    ({"description": "x" * 2001}, "events.1.description"),
    ({"problem": "lost in space"}, "events.1.problem"),
])
def test_a_hostile_event_is_422_and_nothing_of_the_delivery_is_stored(client, booked, change, field):
    good = event(booked.tracking_number, "in_transit", hours_ago=3)
    body = body_of(good, {**event(booked.tracking_number, "delivered"), **change})
    response = post(client, body, signed(body))
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["details"]["errors"]}
    _nothing_recorded(booked)


def test_unknown_tracking_numbers_are_ignored_and_reported(client, booked):
    body = body_of(event("00340434169999999999", "delivered"), event(booked.tracking_number, "in_transit"),
                   event("JJD 0001 2345", "in_transit"))
    response = post(client, body, signed(body))
    assert response.status_code == 200
    assert response.json()["unknown_tracking_numbers"] == ["00340434169999999999", "JJD00012345"]
    assert response.json()["recorded"] == 1 and TrackingEvent.objects.get().parcel_id == booked.pk


def test_parcels_of_another_carrier_are_not_this_carriers(client, booked):
    # given a parcel whose DPD number was typed in
    other = packed_shipment(address=BERLIN, sku="TEE").parcels.get()
    parcel_tracking_number_set(parcel=other, tracking_number="01234567890123", carrier="dpd", actor=TESTER)
    # when DHL's webhook names it
    body = body_of(event("01234567890123", "delivered"))
    response = post(client, body, signed(body))
    # then it is ignored like an unknown number
    assert response.status_code == 200 and response.json()["unknown_tracking_numbers"] == ["01234567890123"]
    assert not TrackingEvent.objects.exists()


def test_unknown_inactive_and_unconfigured_carriers(client, booked, fake_dhl):
    """Each is answered exactly like a forged signature: account codes cannot be probed."""
    body = body_of(event(booked.tracking_number, "in_transit"))
    forged = post(client, body, signed(body, secret="not-the-secret"))
    assert forged.status_code == 401
    # an account nobody has
    unknown = post(client, body, signed(body), url="/api/v1/carriers/pigeon/tracking-events")
    # an account without a webhook secret
    carrier_account_set(code="gls", data=dhl_account_data(fake_dhl.url, kind="manual", tracking_carrier="gls",
                                                          shipping_methods=("gls",)), credentials={}, actor=TESTER)
    unconfigured = post(client, body, signed(body), url="/api/v1/carriers/gls/tracking-events")
    # the DHL account switched off
    carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url, active=False), credentials={}, actor=TESTER)
    inactive = post(client, body, signed(body))
    for response in (unknown, unconfigured, inactive):
        assert (response.status_code, response.json()) == (401, forged.json())
    _nothing_recorded(booked)


def test_an_exception_raises_an_alert_once(client, booked):
    body = body_of(event(booked.tracking_number, "exception", description="Parcel damaged", problem="damaged"))
    for _ in range(2):
        assert post(client, body, signed(body)).status_code == 200
    alert = TrackingAlert.objects.get()
    assert (alert.kind, alert.order_number) == ("damaged", booked.shipment.order_number)
    assert "Parcel damaged" in alert.message


def test_returned_to_sender_returns_the_shipment(client, booked):
    body = body_of(event(booked.tracking_number, "in_transit", hours_ago=30),
                   event(booked.tracking_number, "returned", hours_ago=1, description="Returned to sender"))
    assert post(client, body, signed(body)).json()["recorded"] == 2
    assert Shipment.objects.get(pk=booked.shipment_id).status == "returned"
    assert TrackingAlert.objects.get().kind == "returned"


def test_an_overlong_tracking_number_is_refused_alone_and_the_rest_recorded(client, booked):
    # given a batch with our parcel's scan and a number the schema lets through (70 characters)
    # but that is longer than any tracking number we store
    overlong = "A" * 70
    body = body_of(event(booked.tracking_number, "in_transit"), event(overlong, "in_transit"))
    # when pushed
    response = post(client, body, signed(body))
    # then the answer is 200: our scan recorded, the long number refused with a reason
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["recorded"] == 1 and answer["unknown_tracking_numbers"] == []
    assert [r["tracking_number"] for r in answer["refused"]] == [overlong]
    assert "64" in answer["refused"][0]["message"]
    assert TrackingEvent.objects.filter(parcel=booked).count() == 1


def test_a_number_is_looked_up_among_the_accounts_parcels_only(client, booked, fake_dhl):
    # given a DPD parcel typed in earlier with the same characters as a DHL parcel typed in later
    dpd = packed_shipment(address=BERLIN, sku="TEE").parcels.get()
    parcel_tracking_number_set(parcel=dpd, tracking_number="00340434167777777777", carrier="dpd", actor=TESTER)
    dhl = packed_shipment(address=BERLIN, sku="CAP").parcels.get()
    parcel_tracking_number_set(parcel=dhl, tracking_number="00340434167777777777", carrier="dhl", actor=TESTER)
    # when the DHL account pushes a scan of that number
    body = body_of(event("00340434167777777777", "in_transit"))
    response = post(client, body, signed(body))
    # then it is the DHL parcel's scan
    assert response.status_code == 200 and response.json()["recorded"] == 1, response.content
    assert TrackingEvent.objects.get().parcel_id == dhl.pk
