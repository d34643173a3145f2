"""Booking on the shipment page and at the packing station, labels as PDF, cancelling, manual
tracking numbers, bulk booking of a pick run, the tracking-number CSV import and tracking
alerts — against the local fake DHL (real HTTP). Bad, hostile and repeated input gives a clear
message and changes nothing; no page shows a stored credential."""

import datetime as dt
import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kontorhaus.flows.pack_and_ship import PackItem, order_pack
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.flows.shipment_booking import shipment_book
from kontorhaus.flows.tracking_update import tracking_refresh
from kontorhaus.fulfillment.models import Shipment, TrackingAlert
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_tracking import tracking_alert_raise
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import DHL_SECRETS, PARCEL, packed_shipment
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}
HAMBURG_PLZ_IN_BERLIN = {**BERLIN, "city": "Hamburg"}


def _shipment(number: str) -> Shipment:
    return Shipment.objects.get(number=number)


def _bookings(fake) -> int:
    return sum(1 for r in fake.state.requests if r["method"] == "POST" and r["path"].endswith("/orders"))


def _html(response) -> str:
    html = response.content.decode()
    for secret in DHL_SECRETS.values():
        assert secret not in html
    return html


def test_book_from_the_shipment_page_shows_tracking_and_label(client_in, dhl_account, fake_dhl):
    # given a packed shipment whose shipping method DHL serves
    shipment = packed_shipment(parcels=2, address=BERLIN)
    html = _html(client_in.get(f"/shipments/{shipment.number}/"))
    assert 'id="book"' in html and "Book with DHL Paket" in html and 'id="label-pdf"' not in html
    # when the packer presses "Book"
    response = client_in.post(f"/shipments/{shipment.number}/book/", {"print": "label"})
    # then it is booked, the page shows both tracking numbers and the label
    assert response.status_code == 302 and response["Location"].endswith("?print=label")
    booked = _shipment(shipment.number)
    numbers = [p.tracking_number for p in booked.parcels.all()]
    assert booked.status == "booked" and all(numbers)
    html = _html(client_in.get(response["Location"]))
    assert all(n in html for n in numbers) and 'id="label-pdf"' in html and 'id="label-frame"' in html
    assert 'id="book"' not in html and 'id="cancel-booking"' in html
    # and the label is one PDF with a page per parcel, inline
    label = client_in.get(f"/shipments/{shipment.number}/labels.pdf")
    assert label.status_code == 200 and label["Content-Type"] == "application/pdf"
    assert label["Content-Disposition"].startswith("inline")
    assert len(pikepdf.open(io.BytesIO(label.content)).pages) == 2


def test_double_post_books_once(client_in, dhl_account, fake_dhl):
    shipment = packed_shipment(address=BERLIN)
    client_in.post(f"/shipments/{shipment.number}/book/")
    calls = _bookings(fake_dhl)
    response = client_in.post(f"/shipments/{shipment.number}/book/", follow=True)
    assert _bookings(fake_dhl) == calls == 1
    assert "booked already" in _html(response)
    assert len({p.tracking_number for p in _shipment(shipment.number).parcels.all()}) == 1


def test_the_carriers_refusal_is_shown_and_nothing_booked(client_in, dhl_account, fake_dhl):
    shipment = packed_shipment(address=HAMBURG_PLZ_IN_BERLIN)
    response = client_in.post(f"/shipments/{shipment.number}/book/", follow=True)
    html = _html(response)
    assert 'role="alert" id="booking-error"' in html and "Postleitzahl passt nicht zum Ort" in html
    assert "Nothing was booked" in html
    refused = _shipment(shipment.number)
    assert refused.status == "packed" and refused.tracking_number == ""
    assert [bytes(p.label_pdf) for p in refused.parcels.all()] == [b""]
    assert client_in.get(f"/shipments/{shipment.number}/labels.pdf").status_code == 404


def test_book_without_a_carrier_account_says_so(client_in):
    shipment = packed_shipment(address=BERLIN)
    html = _html(client_in.get(f"/shipments/{shipment.number}/"))
    assert 'id="book"' not in html and 'id="book-no-account"' in html
    html = client_in.post(f"/shipments/{shipment.number}/book/", follow=True).content.decode()
    assert "Not booked: no carrier account books shipping method dhl-paket" in html
    assert _shipment(shipment.number).status == "packed"


def test_cancel_booking_and_book_again(client_in, dhl_account, fake_dhl):
    shipment = packed_shipment(address=BERLIN)
    client_in.post(f"/shipments/{shipment.number}/book/")
    number = _shipment(shipment.number).tracking_number
    html = client_in.post(f"/shipments/{shipment.number}/cancel-booking/", follow=True).content.decode()
    assert "cancelled" in html and fake_dhl.state.shipments[number]["cancelled"]
    assert _shipment(shipment.number).status == "packed"
    # cancelling again is refused with a message
    html = client_in.post(f"/shipments/{shipment.number}/cancel-booking/", follow=True).content.decode()
    assert "The booking was not cancelled" in html
    client_in.post(f"/shipments/{shipment.number}/book/")
    assert _shipment(shipment.number).status == "booked"


def test_pages_need_login_and_known_numbers(client_in, dhl_account):
    shipment = packed_shipment(address=BERLIN)
    anonymous = Client()
    assert anonymous.post(f"/shipments/{shipment.number}/book/").status_code == 302
    assert anonymous.get(f"/shipments/{shipment.number}/labels.pdf").status_code == 302
    assert anonymous.get("/tracking/alerts/").status_code == 302
    assert _shipment(shipment.number).status == "packed"
    assert client_in.post("/shipments/LS-0000-1/book/").status_code == 404
    assert client_in.post("/shipments/" + "X" * 500 + "/book/").status_code == 404
    assert client_in.get(f"/shipments/{shipment.number}/book/").status_code == 405


def test_packed_book_and_print_at_the_packing_station(client_in, dhl_account, fake_dhl):
    # given a picked order at the packing station
    bin_ = make_bin("A-1", 1)
    stocked("CUP", units=5, bin_=bin_)
    order = released_order(("CUP", 1))
    run = start("single", order_number=order.number)
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    assert 'id="pack-book-button"' in client_in.get(f"/packing/{order.number}/").content.decode()
    # when "Packed, book and print label" is pressed
    response = client_in.post(f"/packing/{order.number}/pack/", {
        "count_1": "1", "then": "book", "p0_weight_grams": "900", "p0_length_cm": "20", "p0_width_cm": "15",
        "p0_height_cm": "10"})
    # then the shipment is packed and booked, and its page opens with the label
    shipment = Shipment.objects.get(order_number=order.number)
    assert shipment.status == "booked" and response["Location"] == f"/shipments/{shipment.number}/?print=label"


def test_manual_tracking_number_per_parcel(client_in):
    shipment = packed_shipment(parcels=2, address=BERLIN)
    html = client_in.get(f"/shipments/{shipment.number}/").content.decode()
    assert 'id="tracking-form-1"' in html and 'id="tracking-form-2"' in html
    url = f"/shipments/{shipment.number}/tracking-number/"
    # hostile and malformed input: a message, nothing saved
    for data in ({"parcel": "1", "tracking_number": "12<script>", "carrier": "dpd"},
                 {"parcel": "1", "tracking_number": "1" * 81, "carrier": "dpd"},
                 {"parcel": "1", "tracking_number": "0123\x004567", "carrier": "dpd"},
                 {"parcel": "1", "tracking_number": "01234567890123", "carrier": "pigeon"},
                 {"parcel": "9", "tracking_number": "01234567890123", "carrier": "dpd"},
                 {"parcel": "x", "tracking_number": "01234567890123", "carrier": "dpd"},
                 {}):
        html = client_in.post(url, data, follow=True).content.decode()
        assert "Tracking number not saved" in html
    assert list(_shipment(shipment.number).parcels.values_list("tracking_number", flat=True)) == ["", ""]
    # a good number for each parcel books the shipment; the link is built from the template
    client_in.post(url, {"parcel": "1", "tracking_number": "0123 4567 8901 23", "carrier": "dpd"})
    html = client_in.post(url, {"parcel": "1", "tracking_number": "01234567890123", "carrier": "dpd"},
                          follow=True).content.decode()
    assert "nothing changed" in html
    html = client_in.post(url, {"parcel": "2", "tracking_number": "01234567890124", "carrier": "dpd"},
                          follow=True).content.decode()
    assert _shipment(shipment.number).status == "booked"
    assert 'href="https://tracking.dpd.de/status/de_DE/parcel/01234567890123"' in html
    # the number of another parcel is refused
    html = client_in.post(url, {"parcel": "2", "tracking_number": "01234567890123", "carrier": "dpd"},
                          follow=True).content.decode()
    assert "another parcel" in html


def _run_with_two_shipments(good_address: dict, bad_address: dict) -> tuple[str, list[Shipment]]:
    bin_ = make_bin("B-1", 1)
    stocked("MUG", units=10, bin_=bin_)
    orders = [released_order(("MUG", 1)), released_order(("MUG", 1))]
    for order, address in zip(orders, (good_address, bad_address), strict=True):
        SalesOrder.objects.filter(pk=order.pk).update(shipping_address=address)
    run = start()
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    shipments = [order_pack(order=SalesOrder.objects.get(pk=o.pk), items=[PackItem("MUG", 1)], parcels=[PARCEL],
                            actor=TESTER) for o in orders]
    return run.number, shipments


def test_bulk_booking_of_a_pick_run(client_in, dhl_account, fake_dhl):
    # given a pick run with two packed shipments, one of them to an address DHL refuses
    run, (good, bad) = _run_with_two_shipments(BERLIN, HAMBURG_PLZ_IN_BERLIN)
    html = client_in.get(f"/pick-runs/{run}/").content.decode()
    assert good.number in html and bad.number in html and 'id="run-book"' in html
    # when all are booked
    response = client_in.post(f"/pick-runs/{run}/book/")
    html = _html(response)
    # then one is booked, the other listed with DHL's message
    assert response.status_code == 200
    assert _shipment(good.number).status == "booked" and _shipment(bad.number).status == "packed"
    assert _shipment(good.number).tracking_number in html and "Postleitzahl" in html and bad.number in html
    # and the run's labels are one PDF of the booked shipment
    labels = client_in.get(f"/pick-runs/{run}/labels.pdf")
    assert labels["Content-Type"] == "application/pdf" and len(pikepdf.open(io.BytesIO(labels.content)).pages) == 1
    # booking again does not ask DHL for the booked one
    calls = _bookings(fake_dhl)
    client_in.post(f"/pick-runs/{run}/book/")
    assert _bookings(fake_dhl) == calls + 1  # only the refused one is tried again


def test_bulk_booking_without_packed_shipments(client_in, dhl_account):
    stocked("PEN", units=3, bin_=make_bin("C-1", 1))
    run = start("single", order_number=released_order(("PEN", 1)).number)
    html = client_in.post(f"/pick-runs/{run.number}/book/", follow=True).content.decode()
    assert "no packed shipments" in html
    assert client_in.get(f"/pick-runs/{run.number}/labels.pdf").status_code == 404
    assert client_in.post("/pick-runs/PR-0000-1/book/").status_code == 404


def _csv(text: str | bytes, name: str = "tracking.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode("utf-8"), "text/csv")


def test_tracking_csv_import(client_in):
    shipment = packed_shipment(parcels=2, address=BERLIN)
    # a file with bad lines changes nothing and lists every bad line
    bad = (f"order;tracking;carrier\n{shipment.order_number};01234567890123;DPD\nAU-1999-999999;1Z999;ups\n"
           f"{shipment.number};x<y;gls\n{shipment.number};123;pigeon\n")
    response = client_in.post("/tracking/import/", {"file": _csv(bad)})
    html = response.content.decode()
    assert response.status_code == 422 and "Nothing was imported" in html
    assert "line 3: no shipment or order" in html and "line 4:" in html and "line 5: unknown carrier" in html
    assert "line 2" not in html
    assert list(_shipment(shipment.number).parcels.values_list("tracking_number", flat=True)) == ["", ""]
    # a good file sets both numbers; the same file again changes nothing
    good = f"{shipment.order_number};0123 4567 8901 23;DPD\n{shipment.number};01234567890124;dpd\n"
    html = client_in.post("/tracking/import/", {"file": _csv(good)}, follow=True).content.decode()
    assert "2 tracking numbers set, 0 unchanged" in html and _shipment(shipment.number).status == "booked"
    html = client_in.post("/tracking/import/", {"file": _csv(good)}, follow=True).content.decode()
    assert "0 tracking numbers set, 2 unchanged" in html


@pytest.mark.parametrize(("content", "words"), [
    (b"\xff\xfe\x00g\x00a\x00r", "not UTF-8"),
    (b"order;tracking;carrier\n" + b"x" * (2 * 1024 * 1024), "at most 2 MB"),
    (b"", "empty"),
    (b"\n\n  \n", "no lines"),
    (b"AU-1\x00;1;dpd\n", "not a CSV"),
])
def test_tracking_csv_import_refuses_bad_files(client_in, content, words):
    shipment = packed_shipment(address=BERLIN)
    response = client_in.post("/tracking/import/", {"file": _csv(content)})
    assert response.status_code == 422 and words in response.content.decode()
    assert _shipment(shipment.number).parcels.get().tracking_number == ""
    assert client_in.post("/tracking/import/", {}).status_code == 422


def _alerted_shipment(fake) -> Shipment:
    shipment = packed_shipment(address=BERLIN)
    booked = shipment_book(shipment=shipment, actor=TESTER)
    now = dt.datetime.now(dt.UTC)
    fake.state.scan(booked.parcels.get().tracking_number, code="failure", description="Die Sendung wurde beschädigt",
                    timestamp=(now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"))
    tracking_refresh(now=now)
    return booked


def test_tracking_on_the_shipment_page_and_alerts(client_in, dhl_account, fake_dhl):
    # given a booked parcel the carrier reports damaged
    shipment = _alerted_shipment(fake_dhl)
    alert = TrackingAlert.objects.get()
    # then the shipment page shows the status, the event and the open alert
    html = _html(client_in.get(f"/shipments/{shipment.number}/"))
    assert "Die Sendung wurde beschädigt" in html and 'id="shipment-alerts"' in html and "Damaged" in html
    # and the alert list shows it with order, parcel and message
    html = _html(client_in.get("/tracking/alerts/"))
    assert f'id="alert-{alert.pk}"' in html and shipment.order_number in html and alert.message in html
    # when it is resolved (twice: the second changes nothing)
    client_in.post(f"/tracking/alerts/{alert.pk}/resolve/", {"back": "shipment"})
    first = TrackingAlert.objects.get().resolved_at
    response = client_in.post(f"/tracking/alerts/{alert.pk}/resolve/")
    assert response.status_code == 302 and TrackingAlert.objects.get().resolved_at == first is not None
    assert "No open tracking alerts" in client_in.get("/tracking/alerts/").content.decode()
    assert "resolved by" in client_in.get("/tracking/alerts/?show=all").content.decode()
    assert client_in.post("/tracking/alerts/999999/resolve/").status_code == 404
    assert client_in.get(f"/tracking/alerts/{alert.pk}/resolve/").status_code == 405


def test_booking_warnings_are_shown(client_in, dhl_account, fake_dhl):
    shipment = packed_shipment(address={**BERLIN, "street": "Hauptstraße 999"})
    html = _html(client_in.post(f"/shipments/{shipment.number}/book/", follow=True))
    assert _shipment(shipment.number).status == "booked"
    assert "Carrier warning:" in html and "Hausnummer" in html


def test_alert_list_queries_do_not_grow_with_alerts(client_in, dhl_account, fake_dhl, django_assert_num_queries):
    shipment = _alerted_shipment(fake_dhl)
    client_in.get("/tracking/alerts/")  # the session and the user are loaded once
    with django_assert_num_queries(3) as one:
        client_in.get("/tracking/alerts/")
    tracking_alert_raise(parcel=shipment.parcels.get(), kind="stale", message="no movement", actor=TESTER)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client_in.get("/tracking/alerts/").content.decode()
    assert html.count('id="alert-') == 2


def test_a_booking_without_answer_asks_the_packer_to_check_the_carrier_first(client_in, dhl_account, fake_dhl,
                                                                             settings):
    # given DHL books but answers after our timeout
    settings.KONTORHAUS = {**settings.KONTORHAUS, "CARRIER_TIMEOUT_SECONDS": 0.5}
    fake_dhl.state.booking_delay_seconds = 1.5
    shipment = packed_shipment(address=BERLIN)
    html = _html(client_in.post(f"/shipments/{shipment.number}/book/", follow=True))
    # then the page does not claim nothing was booked, and asks for the check
    assert 'id="booking-unconfirmed"' in html and 'id="carrier-checked"' in html
    assert "Nothing was booked" not in html
    # when booked again without ticking the box: refused, DHL not called
    fake_dhl.state.booking_delay_seconds = 0
    calls = _bookings(fake_dhl)
    client_in.post(f"/shipments/{shipment.number}/book/", follow=True)
    assert _bookings(fake_dhl) == calls and _shipment(shipment.number).status == "packed"
    # with it: booked
    client_in.post(f"/shipments/{shipment.number}/book/", {"carrier_checked": "1"}, follow=True)
    assert _shipment(shipment.number).status == "booked"
