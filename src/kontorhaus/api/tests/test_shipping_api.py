"""The shipping API against the local fake DHL server (real HTTP): booking with labels and
tracking numbers, the carrier's refusals (422, nothing booked), double booking (409), cancel,
label PDFs, tracking numbers typed or imported from CSV, tracking and alerts — and malformed,
hostile and duplicate input answered with a 4xx naming the field, changing nothing."""

import datetime as dt
import io
import json

import pikepdf
import pytest

from kontorhaus.flows.pack_and_ship import PackItem, order_pack
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.flows.tracking_update import tracking_refresh
from kontorhaus.fulfillment.models import Parcel, Shipment, TrackingAlert
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import PARCEL, packed_shipment
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}
API = "/api/v1"


def _book(client, number: str):
    return client.post(f"{API}/shipments/{number}/booking")


def _put_number(client, number: str, position: int, body):
    return client.put(f"{API}/shipments/{number}/parcels/{position}/tracking-number", data=json.dumps(body),
                      content_type="application/json")


def _import(client, text: str | bytes, content_type: str = "text/csv"):
    return client.post(f"{API}/tracking-numbers/import", data=text, content_type=content_type)


def _state(number: str) -> tuple:
    shipment = Shipment.objects.get(number=number)
    return shipment.status, shipment.tracking_number, [(p.tracking_number, p.tracking_carrier, bytes(p.label_pdf))
                                                       for p in shipment.parcels.all()]


def _pages(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def test_booking_gives_tracking_numbers_and_labels(api_client, dhl_account, fake_dhl):
    # given a packed shipment of two parcels
    shipment = packed_shipment(parcels=2, address=BERLIN)
    # when it is booked through the API
    response = _book(api_client, shipment.number)
    # then every parcel has its DHL number, a tracking link and a label
    assert response.status_code == 201, response.content
    booked = response.json()
    assert booked["status"] == "booked" and booked["carrier_account"] == "dhl" and booked["booking_error"] == ""
    numbers = [p["tracking_number"] for p in booked["parcels"]]
    assert len(set(numbers)) == 2 and all(n.startswith("0034043416") for n in numbers)
    assert set(numbers) == {n for n, s in fake_dhl.state.shipments.items() if not s["cancelled"]}
    assert all(p["tracking_url"].endswith(p["tracking_number"]) for p in booked["parcels"])
    assert OutgoingEmail.objects.filter(template="shipment_confirmation").count() == 1
    # and the labels download one by one and as one PDF
    first = api_client.get(booked["parcels"][0]["label_url"])
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf" and _pages(first.content) == 1
    both = api_client.get(booked["labels_url"])
    assert both.status_code == 200 and both["Content-Type"] == "application/pdf" and _pages(both.content) == 2
    assert booked["labels_url"] == f"{API}/shipments/{shipment.number}/labels"


def test_booking_twice_is_409_without_calling_the_carrier(api_client, dhl_account, fake_dhl):
    shipment = packed_shipment(address=BERLIN)
    assert _book(api_client, shipment.number).status_code == 201
    before, calls = _state(shipment.number), len(fake_dhl.state.requests)
    response = _book(api_client, shipment.number)
    assert response.status_code == 409 and response.json()["code"] == "already_booked"
    assert _state(shipment.number) == before and len(fake_dhl.state.requests) == calls
    assert OutgoingEmail.objects.filter(template="shipment_confirmation").count() == 1


@pytest.mark.parametrize(("address", "setup", "reason", "field", "words"), [
    ({**BERLIN, "city": "Hamburg"}, None, "invalid_address", "shipping_address", "Postleitzahl passt nicht zum Ort"),
    ({**BERLIN, "street": "Hauptstraße"}, None, "invalid_address", "shipping_address", "Hausnummer"),
    (BERLIN, "outage", "unavailable", "carrier", "try again"),
    (BERLIN, "auth", "auth", "carrier_account", "credentials"),
])
def test_a_refusal_is_422_with_the_reason_and_nothing_booked(api_client, dhl_account, fake_dhl, address, setup,
                                                              reason, field, words):
    # given a shipment DHL will refuse
    shipment = packed_shipment(address=address)
    if setup == "outage":
        fake_dhl.state.outage = 503
    if setup == "auth":
        fake_dhl.state.password = "changed-at-dhl"  # noqa: S105 - the fake's password
    # when it is booked
    response = _book(api_client, shipment.number)
    # then the answer names the reason, and nothing is booked (the message stays on the shipment)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "carrier_refused" and words in error["message"]
    assert error["details"] == {"field": field, "reason": reason}
    assert _state(shipment.number) == ("packed", "", [("", "", b"")])
    assert words in Shipment.objects.get(number=shipment.number).booking_error
    assert not OutgoingEmail.objects.filter(template="shipment_confirmation").exists()
    assert api_client.get(f"{API}/shipments/{shipment.number}/labels").status_code == 404


def test_a_shipment_without_an_api_carrier_is_422_and_unknown_ones_404(api_client, fake_dhl):
    shipment = packed_shipment(address=BERLIN)
    response = _book(api_client, shipment.number)
    assert response.status_code == 422 and response.json()["details"]["reason"] == "no_account"
    for path in ("booking", "labels", "tracking", "parcels/1/label"):
        method = api_client.post if path == "booking" else api_client.get
        assert method(f"{API}/shipments/LS-0000-999999/{path}").status_code == 404
    assert api_client.delete(f"{API}/shipments/LS-0000-999999/booking").status_code == 404
    assert api_client.get(f"{API}/shipments/{shipment.number}/parcels/2/label").status_code == 404
    assert api_client.get(f"{API}/shipments/{shipment.number}/parcels/0/label").status_code == 422
    assert _state(shipment.number) == ("packed", "", [("", "", b"")])


def test_without_a_token_nothing_is_booked(client, dhl_account, fake_dhl):
    shipment = packed_shipment(address=BERLIN)
    assert client.post(f"{API}/shipments/{shipment.number}/booking").status_code == 401
    assert client.get(f"{API}/shipments/{shipment.number}/tracking").status_code == 401
    assert client.post(f"{API}/tracking-numbers/import", data="x;y;dpd", content_type="text/csv").status_code == 401
    assert _state(shipment.number) == ("packed", "", [("", "", b"")]) and not fake_dhl.state.shipments


def test_cancel_deletes_the_booking_at_dhl(api_client, dhl_account, fake_dhl):
    # given a booked shipment
    shipment = packed_shipment(address=BERLIN)
    number = _book(api_client, shipment.number).json()["parcels"][0]["tracking_number"]
    # when the booking is cancelled
    response = api_client.delete(f"{API}/shipments/{shipment.number}/booking")
    # then it is deleted at DHL and the shipment is packed again, without numbers or labels
    assert response.status_code == 200 and response.json()["status"] == "packed"
    assert response.json()["parcels"][0]["tracking_number"] == "" and response.json()["labels_url"] is None
    assert fake_dhl.state.shipments[number]["cancelled"]
    # and cancelling again is refused
    assert api_client.delete(f"{API}/shipments/{shipment.number}/booking").status_code == 409
    # and it can be booked anew
    again = _book(api_client, shipment.number)
    assert again.status_code == 201 and again.json()["parcels"][0]["tracking_number"] != number


def test_manual_tracking_numbers_typed_in(api_client):
    # given a shipment of two parcels for a carrier booked in its own software
    shipment = packed_shipment(parcels=2, address=BERLIN)
    # when the first parcel's number is typed in (with DPD's spaces)
    first = _put_number(api_client, shipment.number, 1, {"tracking_number": "0123 4567 8901 23", "carrier": "dpd"})
    assert first.status_code == 200 and first.json()["changed"] is True
    assert first.json()["shipment"]["parcels"][0]["tracking_url"].endswith("/01234567890123")
    # then the same number again changes nothing
    again = _put_number(api_client, shipment.number, 1, {"tracking_number": "01234567890123", "carrier": "dpd"})
    assert again.status_code == 200 and again.json()["changed"] is False
    assert first.json()["shipment"]["status"] == again.json()["shipment"]["status"] == "packed"
    # and the second parcel's number books the shipment and tells the customer
    last = _put_number(api_client, shipment.number, 2, {"tracking_number": "H1000000000000000001",
                                                         "carrier": "hermes"})
    assert last.status_code == 200 and last.json()["shipment"]["status"] == "booked"
    assert OutgoingEmail.objects.filter(template="shipment_confirmation").count() == 1


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"tracking_number": "", "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "   ", "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "1234\n5678", "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "12\u000034", "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "9" * 65, "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "9" * 81, "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "12<script>", "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "12 34;DROP", "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": 1234567890, "carrier": "dpd"}, 422, "tracking_number"),
    ({"tracking_number": "01234567890123", "carrier": "pigeon"}, 422, "carrier"),
    ({"tracking_number": "01234567890123"}, 422, "carrier"),
    ({"tracking_number": "01234567890123", "carrier": "dpd", "booked": True}, 422, "booked"),
])
def test_hostile_tracking_numbers_are_refused(api_client, body, status, field):
    shipment = packed_shipment(address=BERLIN)
    response = _put_number(api_client, shipment.number, 1, body)
    assert response.status_code == status
    details = response.json()["details"]
    assert field in ({e["field"] for e in details.get("errors", [])} | {details.get("field")})
    assert _state(shipment.number) == ("packed", "", [("", "", b"")])


def test_a_number_of_another_parcel_and_a_missing_parcel_are_refused(api_client):
    one, other = packed_shipment(address=BERLIN, sku="MUG"), packed_shipment(address=BERLIN, sku="TEE")
    assert _put_number(api_client, one.number, 1, {"tracking_number": "AB123", "carrier": "gls"}).status_code == 200
    taken = _put_number(api_client, other.number, 1, {"tracking_number": "ab123", "carrier": "gls"})
    assert taken.status_code == 422 and "another parcel" in taken.json()["message"]
    assert _put_number(api_client, other.number, 2, {"tracking_number": "X1", "carrier": "gls"}).status_code == 404
    assert _state(other.number) == ("packed", "", [("", "", b"")])


def test_csv_import_sets_numbers_once(api_client):
    # given two shipments booked in the carrier's software
    one, two = packed_shipment(address=BERLIN, sku="MUG"), packed_shipment(address=BERLIN, sku="TEE")
    text = f"order;tracking number;carrier\n{one.order_number};01234567890123;DPD\n{two.number};H10000001;hermes\n"
    # when the carrier's export is imported
    response = _import(api_client, "\ufeff" + text)
    # then both are booked with their numbers
    assert response.status_code == 200 and response.json() == {"set": 2, "unchanged": 0}
    assert _state(one.number)[:2] == ("booked", "01234567890123") and _state(two.number)[:2] == ("booked", "H10000001")
    # and the same file again changes nothing
    assert _import(api_client, text).json() == {"set": 0, "unchanged": 2}
    assert OutgoingEmail.objects.filter(template="shipment_confirmation").count() == 2


@pytest.mark.parametrize(("text", "content_type", "status", "words"), [
    ("{good}\nAU-0000-000009;4711;dpd\n", "text/csv", 422, "line 2: no shipment or order"),
    ("{good}\n{order};12<x>;dpd\n", "text/csv", 422, "line 2: a tracking number has"),
    ("{good}\n{order};99999;pigeon\n", "text/csv", 422, "line 2: unknown carrier"),
    ("{good}\n{order}\n", "text/csv", 422, "line 2: expected"),
    ("{good}\n{order};999\x00;dpd\n", "text/csv", 422, "line 2: control characters"),
    ("\n ; ;\n", "text/csv", 422, "no lines"),
    ("{good}\n", "application/json", 415, "text/csv"),
    ("{good}\n", "application/x-www-form-urlencoded", 415, "text/csv"),
])
def test_a_bad_csv_changes_nothing(api_client, text, content_type, status, words):
    shipment = packed_shipment(address=BERLIN)
    good = f"{shipment.order_number};01234567890123;dpd"
    response = _import(api_client, text.format(good=good, order=shipment.order_number), content_type)
    assert response.status_code == status and words in response.json()["message"]
    assert _state(shipment.number) == ("packed", "", [("", "", b"")])


def test_an_oversized_or_binary_csv_changes_nothing(api_client):
    shipment = packed_shipment(address=BERLIN)
    good = f"{shipment.order_number};01234567890123;dpd\n"
    too_big = _import(api_client, good + "x" * (512 * 1024))
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    latin1 = _import(api_client, (good + "Bestellung;Größe;dpd\n").encode("latin-1"))
    assert latin1.status_code == 422 and "UTF-8" in latin1.json()["message"]
    assert _state(shipment.number) == ("packed", "", [("", "", b"")])


def _booked_and_scanned(client, fake, scans: list[tuple[str, str, int]]) -> tuple[Shipment, str]:
    """A shipment booked through the API, scanned at DHL (code, text, hours ago) in Bonn, and
    fetched by the tracking refresh."""
    shipment = packed_shipment(address=BERLIN)
    number = _book(client, shipment.number).json()["parcels"][0]["tracking_number"]
    now = dt.datetime.now(dt.UTC)
    for code, text, hours in scans:
        fake.state.scan(number, code=code, description=text, location="Bonn",
                        timestamp=(now - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S"))
    tracking_refresh(now=now)
    return shipment, number


def test_tracking_of_a_shipment_and_an_order(api_client, dhl_account, fake_dhl):
    # given a booked shipment with scans at DHL, fetched by the tracking refresh
    shipment, number = _booked_and_scanned(api_client, fake_dhl, [
        ("pre-transit", "Electronic information submitted", 5), ("transit", "In the parcel center", 2)])
    # when the shipment's and the order's tracking are asked for
    by_shipment = api_client.get(f"{API}/shipments/{shipment.number}/tracking")
    by_order = api_client.get(f"{API}/orders/{shipment.order_number}/tracking")
    # then both list the parcel with its status and events, newest first
    assert by_shipment.status_code == by_order.status_code == 200
    (parcel,) = by_order.json()["parcels"]
    assert by_shipment.json()["parcels"] == [parcel] and by_shipment.json()["status"] == "shipped"
    assert (parcel["tracking_number"], parcel["status"], parcel["carrier_name"]) == (number, "in_transit", "DHL")
    assert [e["status"] for e in parcel["events"]] == ["in_transit", "label_created"]
    assert parcel["events"][0]["location"].startswith("Bonn")
    assert api_client.get(f"{API}/orders/AU-0000-999999/tracking").status_code == 404


def _batch_of_two(addresses: list[dict]) -> tuple[str, list[Shipment]]:
    """Two orders on one pick run, picked and packed."""
    orders = []
    for index, address in enumerate(addresses):
        sku = f"BATCH{index}"
        stocked(sku, units=5, bin_=make_bin(f"B-{index}", 20 + index))
        order = released_order((sku, 1))
        SalesOrder.objects.filter(pk=order.pk).update(shipping_address=address)
        orders.append((order, sku))
    run = start("batch")
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    shipments = [order_pack(order=SalesOrder.objects.get(pk=order.pk), items=[PackItem(sku, 1)], parcels=[PARCEL],
                            actor=TESTER) for order, sku in orders]
    return run.number, shipments


def test_bulk_booking_of_a_pick_run(api_client, dhl_account, fake_dhl):
    # given a pick run with one good and one wrong address
    run, (good, bad) = _batch_of_two([BERLIN, {**BERLIN, "city": "Köln"}])
    # when the run is booked
    response = api_client.post(f"{API}/pick-runs/{run}/booking")
    # then the good one is booked and the bad one reported with DHL's words
    assert response.status_code == 200, response.content
    result = response.json()
    assert [b["number"] for b in result["booked"]] == [good.number]
    assert result["failed"] == [{"number": bad.number, "message": result["failed"][0]["message"]}]
    assert "Postleitzahl" in result["failed"][0]["message"]
    assert _state(bad.number) == ("packed", "", [("", "", b"")])
    # and the run's labels print as one PDF
    labels = api_client.get(result["labels_url"])
    assert labels.status_code == 200 and _pages(labels.content) == 1
    # and booking the run again books the bad one once fixed, and keeps the good one
    Shipment.objects.filter(pk=bad.pk).update(shipping_address=BERLIN)
    again = api_client.post(f"{API}/pick-runs/{run}/booking").json()
    assert sorted(b["number"] for b in again["booked"]) == sorted([good.number, bad.number]) and not again["failed"]
    assert _pages(api_client.get(again["labels_url"]).content) == 2
    assert api_client.post(f"{API}/pick-runs/KO-0000-999999/booking").status_code == 404


def test_tracking_alerts_listed_and_resolved(api_client, dhl_account, fake_dhl):
    # given a parcel DHL reports damaged
    shipment, number = _booked_and_scanned(api_client, fake_dhl, [("failure", "Die Sendung wurde beschädigt", 1)])
    # when the open alerts are listed
    (alert,) = api_client.get(f"{API}/tracking-alerts").json()
    assert (alert["kind"], alert["shipment_number"], alert["tracking_number"]) == ("damaged", shipment.number, number)
    assert api_client.get(f"{API}/tracking-alerts?order_number={shipment.order_number}").json() == [alert]
    assert api_client.get(f"{API}/tracking-alerts?order_number=AU-0000-000001").json() == []
    # then resolving it closes it, and resolving again changes nothing
    first = api_client.post(f"{API}/tracking-alerts/{alert['id']}/resolve")
    assert first.status_code == 200 and first.json()["resolved_at"] and first.json()["resolved_by"] == "api:test"
    second = api_client.post(f"{API}/tracking-alerts/{alert['id']}/resolve")
    assert second.json()["resolved_at"] == first.json()["resolved_at"]
    assert api_client.get(f"{API}/tracking-alerts").json() == []
    assert TrackingAlert.objects.get().resolved_at is not None
    # and unknown or malformed ids are refused
    assert api_client.post(f"{API}/tracking-alerts/999999/resolve").status_code == 404
    assert api_client.post(f"{API}/tracking-alerts/abc/resolve").status_code == 422
    assert api_client.post(f"{API}/tracking-alerts/99999999999999999999/resolve").status_code == 422


def test_the_endpoints_are_in_the_openapi_document(api_client):
    paths = api_client.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/shipments/{number}/booking", "/shipments/{number}/labels", "/orders/{number}/tracking",
                 "/shipments/{number}/parcels/{position}/tracking-number", "/pick-runs/{number}/booking",
                 "/tracking-numbers/import", "/tracking-alerts", "/tracking-alerts/{alert_id}/resolve",
                 "/carriers/{code}/tracking-events"):
        assert f"{API}{path}" in paths
    assert "security" not in paths[f"{API}/carriers/{{code}}/tracking-events"]["post"]
    assert Parcel.objects.count() == 0


def test_a_booking_without_answer_is_422_unknown_then_409_until_checked(api_client, dhl_account, fake_dhl, settings):
    # given DHL books but answers after our timeout
    settings.KONTORHAUS = {**settings.KONTORHAUS, "CARRIER_TIMEOUT_SECONDS": 0.5}
    fake_dhl.state.booking_delay_seconds = 1.5
    shipment = packed_shipment(address=BERLIN)
    response = _book(api_client, shipment.number)
    assert response.status_code == 422 and response.json()["details"]["reason"] == "unknown", response.content
    # when booked again without saying DHL's portal was checked: 409, no call to DHL
    fake_dhl.state.booking_delay_seconds = 0
    calls = len(fake_dhl.state.requests)
    response = _book(api_client, shipment.number)
    assert response.status_code == 409 and response.json()["code"] == "booking_unconfirmed"
    assert len(fake_dhl.state.requests) == calls
    # a malformed confirmation is refused too
    assert api_client.post(f"{API}/shipments/{shipment.number}/booking?carrier_checked=maybe").status_code == 422
    # with it: booked
    response = api_client.post(f"{API}/shipments/{shipment.number}/booking?carrier_checked=true")
    assert response.status_code == 201 and response.json()["status"] == "booked", response.content
