"""Booking shipments with DHL (the local fake, real HTTP) and following them until delivered:
labels and tracking numbers recorded whole or not at all, the carrier's refusal on the
shipment, the shipment e-mail, tracking events stored once, delivered parcels making the order
delivered, exceptions raising alerts."""

import datetime as dt

import pytest
from django.db import connection

from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.shipment_booking import (
    CarrierRefused,
    return_label_create,
    return_label_order_number,
    return_label_return_number,
    shipment_book,
    shipment_booking_cancel,
    shipments_book,
)
from kontorhaus.flows.tracking_update import tracking_refresh
from kontorhaus.fulfillment.models import CarrierAccount, Parcel, Shipment, TrackingAlert, TrackingEvent
from kontorhaus.fulfillment.selectors_tracking import order_tracking
from kontorhaus.fulfillment.services_booking import parcel_tracking_number_set
from kontorhaus.fulfillment.services_carriers import carrier_account_set, credentials_decrypt
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import DHL_SECRETS, dhl_account_data, packed_shipment
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
HEAVY = ParcelData(weight_grams=40_000, length_cm=60, width_cm=40, height_cm=40)
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}


def _shipment(number: str) -> Shipment:
    return Shipment.objects.get(number=number)


def _nothing_booked(shipment: Shipment) -> None:
    shipment = _shipment(shipment.number)
    assert shipment.status == "packed" and shipment.tracking_number == ""
    assert [(p.tracking_number, bytes(p.label_pdf)) for p in shipment.parcels.all()] == [("", b"")] * len(
        shipment.parcels.all())
    assert not OutgoingEmail.objects.filter(template="shipment_confirmation").exists()


def test_booking_prints_labels_and_queues_the_shipment_email(dhl_account, fake_dhl):
    # given a packed shipment of two parcels
    shipment = packed_shipment(parcels=2, address=BERLIN)
    # when it is booked
    booked = shipment_book(shipment=shipment, actor=TESTER)
    # then every parcel has a DHL number and a PDF label, the shipment is booked
    parcels = list(booked.parcels.all())
    assert booked.status == "booked" and booked.carrier_account == dhl_account
    assert all(p.tracking_number and bytes(p.label_pdf).startswith(b"%PDF") for p in parcels)
    assert booked.tracking_number == parcels[0].tracking_number and booked.booking_error == ""
    # and the customer's e-mail carries both tracking links and the delivery note
    email = OutgoingEmail.objects.get(template="shipment_confirmation")
    assert all(f"piececode={p.tracking_number}" in email.body_text for p in parcels)
    assert email.attachments == [{"kind": "delivery_note", "number": booked.number}]
    assert AuditEvent.objects.filter(action="fulfillment.shipment.booked", order_number=booked.order_number).exists()


def test_booking_twice_is_refused_without_calling_the_carrier(dhl_account, fake_dhl):
    shipment = shipment_book(shipment=packed_shipment(address=BERLIN), actor=TESTER)
    calls = len(fake_dhl.state.requests)
    with pytest.raises(InvalidTransition, match="booked already"):
        shipment_book(shipment=shipment, actor=TESTER)
    assert len(fake_dhl.state.requests) == calls and OutgoingEmail.objects.filter(
        template="shipment_confirmation").count() == 1


def test_a_booking_that_lost_the_race_is_cancelled_at_the_carrier(dhl_account, fake_dhl):
    # given a packer's page still showing the shipment packed while another booked it
    stale = packed_shipment(address=BERLIN)
    first = shipment_book(shipment=Shipment.objects.get(pk=stale.pk), actor=TESTER)
    # when the second packer books too
    with pytest.raises(InvalidTransition):
        shipment_book(shipment=stale, actor=TESTER)
    # then the second booking was deleted at DHL and the first one stands
    live = {n for n, s in fake_dhl.state.shipments.items() if not s["cancelled"]}
    assert live == {first.parcels.get().tracking_number}


@pytest.mark.parametrize(("address", "setup", "kind", "words"), [
    ({**BERLIN, "city": "Hamburg"}, None, "invalid_address", "Postleitzahl passt nicht zum Ort"),
    ({**BERLIN, "street": "Hauptstraße"}, None, "invalid_address", "Hausnummer"),
    (BERLIN, "outage", "unavailable", "try again"),
    (BERLIN, "auth", "auth", "credentials"),
])
def test_a_refusal_is_a_clear_message_on_the_shipment_and_nothing_else(dhl_account, fake_dhl, address, setup, kind,
                                                                       words):
    shipment = packed_shipment(address=address)
    if setup == "outage":
        fake_dhl.state.outage = 503
    if setup == "auth":
        fake_dhl.state.password = "changed-at-dhl"
    with pytest.raises(CarrierRefused) as error:
        shipment_book(shipment=shipment, actor=TESTER)
    assert error.value.kind == kind and words in error.value.message
    assert words in _shipment(shipment.number).booking_error
    _nothing_booked(shipment)


def test_one_parcel_refused_cancels_the_others_and_stores_nothing(dhl_account, fake_dhl):
    shipment = packed_shipment(parcels=2, address=BERLIN)
    Parcel.objects.filter(shipment=shipment, position=2).update(weight_grams=HEAVY.weight_grams)
    with pytest.raises(CarrierRefused, match="parcel 2 of 2"):
        shipment_book(shipment=shipment, actor=TESTER)
    _nothing_booked(shipment)
    assert fake_dhl.state.shipments and all(s["cancelled"] for s in fake_dhl.state.shipments.values())
    # and once the parcel is fixed, booking works
    Parcel.objects.filter(shipment=shipment, position=2).update(weight_grams=2000)
    assert shipment_book(shipment=_shipment(shipment.number), actor=TESTER).status == "booked"
    assert _shipment(shipment.number).booking_error == ""


def test_no_account_and_manual_accounts_say_what_to_do(fake_dhl):
    shipment = packed_shipment(address=BERLIN)
    with pytest.raises(InvalidInput, match="no carrier account"):
        shipment_book(shipment=shipment, actor=TESTER)
    carrier_account_set(code="dhl-manual", data=dhl_account_data(fake_dhl.url, kind="manual"), credentials={},
                        actor=TESTER)
    with pytest.raises(InvalidInput, match="enter or import the tracking number"):
        shipment_book(shipment=shipment, actor=TESTER)


def test_bulk_booking_books_each_and_reports_failures(dhl_account, fake_dhl):
    good = packed_shipment(address=BERLIN, sku="MUG")
    bad = packed_shipment(address={**BERLIN, "city": "Köln"}, sku="TEE")
    result = shipments_book(shipments=[good, bad], actor=TESTER)
    assert [s.number for s in result.booked] == [good.number]
    assert result.failed[0][0] == bad.number and "Postleitzahl" in result.failed[0][1]


def test_cancel_deletes_at_dhl_and_allows_a_new_booking(dhl_account, fake_dhl):
    shipment = shipment_book(shipment=packed_shipment(address=BERLIN), actor=TESTER)
    number = shipment.parcels.get().tracking_number
    shipment = shipment_booking_cancel(shipment=shipment, actor=TESTER)
    assert shipment.status == "packed" and fake_dhl.state.shipments[number]["cancelled"]
    assert shipment.parcels.get().tracking_number == ""
    assert shipment_book(shipment=shipment, actor=TESTER).status == "booked"


def _scan(fake, shipment, code, text, when):
    fake.state.scan(shipment.parcels.get().tracking_number, code=code, description=text,
                    timestamp=when.strftime("%Y-%m-%dT%H:%M:%S"))


def test_tracking_until_delivered_marks_the_order_delivered(dhl_account, fake_dhl):
    # given a booked shipment the packer never marked handed over
    shipment = shipment_book(shipment=packed_shipment(address=BERLIN), actor=TESTER)
    now = dt.datetime.now(dt.UTC)
    _scan(fake_dhl, shipment, "pre-transit", "Electronic information submitted", now - dt.timedelta(hours=5))
    _scan(fake_dhl, shipment, "transit", "The shipment has been processed in the parcel center",
          now - dt.timedelta(hours=3))
    # when tracking is fetched
    result = tracking_refresh(now=now)
    # then the events are stored, the shipment is handed over and the order shipped
    assert result.new_events == 2 and result.failed == 0
    shipment = _shipment(shipment.number)
    assert shipment.status == "shipped"
    order = SalesOrder.objects.get(number=shipment.order_number)
    assert order.fulfillment_state == "shipped"
    # when the parcel is delivered
    _scan(fake_dhl, shipment, "delivered", "The shipment has been successfully delivered", now - dt.timedelta(hours=1))
    tracking_refresh(now=now + dt.timedelta(hours=2))
    # then shipment and order are delivered, with a timeline event
    assert _shipment(shipment.number).status == "delivered"
    assert SalesOrder.objects.get(pk=order.pk).fulfillment_state == "delivered"
    assert AuditEvent.objects.filter(action="sales.order.lines_carrier_delivered", order_number=order.number).exists()
    # and the customer's view lists the timeline newest first
    (parcel,) = order_tracking(order_number=order.number)
    assert parcel.status == "delivered" and [e.status for e in parcel.events] == [
        "delivered", "in_transit", "label_created"]
    assert parcel.tracking_url.endswith(parcel.tracking_number) and parcel.carrier_name == "DHL"
    # and fetching again stores nothing twice and changes nothing
    tracking_refresh(now=now + dt.timedelta(hours=9))
    assert TrackingEvent.objects.count() == 3


def test_an_exception_raises_one_alert_and_a_delay_notice(dhl_account, fake_dhl, settings):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "TRACKING_DELAY_NOTICE": True}
    shipment = shipment_book(shipment=packed_shipment(address=BERLIN), actor=TESTER)
    now = dt.datetime.now(dt.UTC)
    _scan(fake_dhl, shipment, "failure", "Die Sendung wurde beschädigt", now - dt.timedelta(hours=1))
    tracking_refresh(now=now)
    tracking_refresh(now=now + dt.timedelta(hours=3))
    alert = TrackingAlert.objects.get()
    assert alert.kind == "damaged" and alert.resolved_at is None and alert.customer_notified_at is not None
    assert OutgoingEmail.objects.filter(template="shipment_delayed").count() == 1


def test_no_movement_for_days_raises_a_stale_alert_once(dhl_account, fake_dhl):
    shipment = shipment_book(shipment=packed_shipment(address=BERLIN), actor=TESTER)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    _scan(fake_dhl, shipment, "transit", "In the parcel center", old)
    tracking_refresh(now=old + dt.timedelta(hours=1))
    later = dt.datetime.now(dt.UTC)
    assert tracking_refresh(now=later).stale_alerts == 1
    assert tracking_refresh(now=later + dt.timedelta(hours=2)).stale_alerts == 0
    assert TrackingAlert.objects.get().kind == "stale"


def test_manual_tracking_numbers(fake_dhl):
    shipment = packed_shipment(parcels=2, address=BERLIN)
    first, second = shipment.parcels.all()
    assert parcel_tracking_number_set(parcel=first, tracking_number="0123 4567 8901 23", carrier="dpd", actor=TESTER)
    assert not parcel_tracking_number_set(parcel=first, tracking_number="01234567890123", carrier="dpd", actor=TESTER)
    assert _shipment(shipment.number).status == "packed"
    for bad in ("", "x" * 65, "12<script>", "12 34;DROP"):
        with pytest.raises(InvalidInput):
            parcel_tracking_number_set(parcel=second, tracking_number=bad, carrier="dpd", actor=TESTER)
    with pytest.raises(InvalidInput, match="another parcel"):
        parcel_tracking_number_set(parcel=second, tracking_number="01234567890123", carrier="dpd", actor=TESTER)
    with pytest.raises(InvalidInput, match="carrier is one of"):
        parcel_tracking_number_set(parcel=second, tracking_number="H1", carrier="pigeon", actor=TESTER)
    parcel_tracking_number_set(parcel=second, tracking_number="H1000000000000000001", carrier="hermes", actor=TESTER)
    assert _shipment(shipment.number).status == "booked"
    links = [p.tracking_url for p in order_tracking(order_number=shipment.order_number)]
    assert links == ["https://tracking.dpd.de/status/de_DE/parcel/01234567890123",
                     "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation/#H1000000000000000001"]


def test_return_labels(dhl_account, fake_dhl):
    shipment = packed_shipment(address=BERLIN)
    # no account makes return labels: None, the portal shows instructions
    assert return_label_create(order_number=shipment.order_number, return_number="RMA-T-1", actor=TESTER) is None
    # with returns switched on, the returns API makes one, kept for the return
    carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url, returns_enabled=True), credentials={},
                        actor=TESTER)
    label = return_label_create(order_number=shipment.order_number, return_number="RMA-T-1", actor=TESTER)
    assert label.tracking_number and label.label_pdf.startswith(b"%PDF")
    assert return_label_order_number(tracking_number=label.tracking_number) == shipment.order_number
    assert return_label_return_number(tracking_number=label.tracking_number) == "RMA-T-1"
    again = return_label_create(order_number=shipment.order_number, return_number="RMA-T-1", actor=TESTER)
    assert again.tracking_number == label.tracking_number
    # the Retoure label booked with an outbound parcel serves the order's first return only:
    # flows/tests/test_return_labels_per_return.py


def test_credentials_are_encrypted_at_rest(dhl_account):
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials_encrypted, credentials_hint FROM fulfillment_carrieraccount")
        raw, hint = cursor.fetchone()
    assert "SandboxPasswort2023!" not in raw and "demo-api-secret" not in raw and "Sandbox" not in str(hint)
    assert credentials_decrypt(raw)["password"] == DHL_SECRETS["password"]
    account = CarrierAccount.objects.get()
    # only API keys show their last characters; a password, user or secret just "set"
    assert account.credentials_hint["api_key"] == "-key"
    assert {name: account.credentials_hint[name] for name in ("password", "username", "api_secret",
                                                               "webhook_secret")} == dict.fromkeys(
        ("password", "username", "api_secret", "webhook_secret"), "")
    # an empty field keeps the stored secret; a new one replaces it
    carrier_account_set(code="dhl", data=dhl_account_data(account.api_base_url.split("/parcel")[0]),
                        credentials={"password": ""}, actor=TESTER)
    assert credentials_decrypt(CarrierAccount.objects.get().credentials_encrypted)["password"] == "SandboxPasswort2023!"
    audit = AuditEvent.objects.filter(action="fulfillment.carrier_account.saved").last()
    assert "Sandbox" not in str(audit.data)
