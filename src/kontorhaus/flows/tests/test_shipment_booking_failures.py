"""Booking failures that could leave paid DHL labels nobody knows about (issue 6 review): the
booking that DHL made but we could not record, a label missing from DHL's answer, an answer
that never came, unreadable credentials in the portal, and a cancelled booking's old scans.
All against the local fake DHL over real HTTP."""

import datetime as dt

import pytest

from kontorhaus.core.exceptions import InvalidTransition
from kontorhaus.flows.shipment_booking import (
    BookingNotRecorded,
    CarrierRefused,
    return_label_create,
    shipment_book,
    shipment_booking_cancel,
)
from kontorhaus.flows.tracking_update import tracking_refresh
from kontorhaus.fulfillment.carriers.fake_dhl import FakeDhlServer
from kontorhaus.fulfillment.models import Parcel, Shipment, TrackingEvent
from kontorhaus.fulfillment.services_booking import parcel_tracking_number_set
from kontorhaus.fulfillment.services_carriers import carrier_account_set
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import dhl_account_data, packed_shipment
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}
FIRST_DHL_NUMBER = "00340434160000000001"  # the fake numbers its parcels from 1


def _live(fake) -> set[str]:
    return {number for number, shipment in fake.state.shipments.items() if not shipment["cancelled"]}


def _bookings(fake) -> int:
    return sum(1 for r in fake.state.requests if r["method"] == "POST" and r["path"].endswith("/orders"))


def test_a_booking_that_cannot_be_recorded_is_cancelled_at_dhl_and_said_on_the_shipment(dhl_account, fake_dhl):
    # given a parcel typed in by hand that already holds the number DHL will give next, so
    # recording the booking breaks the database's one-number-per-carrier rule (IntegrityError)
    other = packed_shipment(address=BERLIN, sku="TEE")
    parcel_tracking_number_set(parcel=other.parcels.get(), tracking_number=FIRST_DHL_NUMBER, carrier="dhl",
                               actor=TESTER)
    shipment = packed_shipment(address=BERLIN, sku="MUG")
    # when the shipment is booked
    with pytest.raises(BookingNotRecorded) as error:
        shipment_book(shipment=shipment, actor=TESTER)
    # then the label DHL made was cancelled there, and the shipment says what happened
    assert fake_dhl.state.shipments[FIRST_DHL_NUMBER]["cancelled"] and not _live(fake_dhl)
    shipment = Shipment.objects.get(pk=shipment.pk)
    assert shipment.status == "packed" and FIRST_DHL_NUMBER in shipment.booking_error
    assert "cancelled at the carrier" in shipment.booking_error and FIRST_DHL_NUMBER in error.value.message
    assert not shipment.booking_unconfirmed  # cancelled: booking again is safe
    assert Parcel.objects.get(shipment=shipment).tracking_number == ""
    assert not OutgoingEmail.objects.filter(template="shipment_confirmation", related_ref=shipment.number).exists()


def test_a_parcel_without_label_cancels_every_parcel_of_the_call(dhl_account, fake_dhl):
    # given DHL books both parcels but sends the second one's label empty
    fake_dhl.state.missing_label_positions = {2}
    shipment = packed_shipment(parcels=2, address=BERLIN)
    # when booked
    with pytest.raises(CarrierRefused, match="without a PDF label"):
        shipment_book(shipment=shipment, actor=TESTER)
    # then both parcels were cancelled at DHL and nothing is stored
    assert len(fake_dhl.state.shipments) == 2 and not _live(fake_dhl)
    assert [p.tracking_number for p in Parcel.objects.filter(shipment=shipment)] == ["", ""]


def test_a_booking_without_answer_is_unknown_and_blocks_booking_again(dhl_account, fake_dhl, settings):
    # given DHL books but answers after our timeout
    settings.KONTORHAUS = {**settings.KONTORHAUS, "CARRIER_TIMEOUT_SECONDS": 0.5}
    fake_dhl.state.booking_delay_seconds = 1.5
    shipment = packed_shipment(address=BERLIN)
    # when booked
    with pytest.raises(CarrierRefused) as error:
        shipment_book(shipment=shipment, actor=TESTER)
    # then the outcome is said to be unknown, not "nothing was booked"
    assert error.value.kind == "unknown" and "check the DHL portal" in error.value.message
    assert "Nothing was booked" not in error.value.message
    stored = Shipment.objects.get(pk=shipment.pk)
    assert stored.booking_unconfirmed and "check the DHL portal" in stored.booking_error
    # and booking again is refused before any call to DHL
    fake_dhl.state.booking_delay_seconds = 0
    calls = _bookings(fake_dhl)
    with pytest.raises(InvalidTransition) as refused:
        shipment_book(shipment=stored, actor=TESTER)
    assert refused.value.code == "booking_unconfirmed" and shipment.order_number in refused.value.message
    assert _bookings(fake_dhl) == calls
    # until a person has checked DHL's portal
    booked = shipment_book(shipment=stored, actor=TESTER, carrier_checked=True)
    assert booked.status == "booked" and not Shipment.objects.get(pk=shipment.pk).booking_unconfirmed


def test_a_carrier_that_cannot_be_reached_booked_nothing(dhl_account, fake_dhl):
    # given the account points at an address where nobody listens
    with FakeDhlServer() as gone:
        url = gone.url
    carrier_account_set(code="dhl", data=dhl_account_data(url), credentials={
        name: value for name, value in carrier_fixtures.DHL_SECRETS.items()}, actor=TESTER)
    shipment = packed_shipment(address=BERLIN)
    with pytest.raises(CarrierRefused) as error:
        shipment_book(shipment=shipment, actor=TESTER)
    # then that is "unavailable" (nothing left us), and booking again is allowed
    assert error.value.kind == "unavailable" and "Nothing was booked" in error.value.message
    assert not Shipment.objects.get(pk=shipment.pk).booking_unconfirmed


def test_unreadable_credentials_give_no_return_label_instead_of_an_error(dhl_account, fake_dhl, settings):
    # given an account making return labels, then the credentials key is rotated
    carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url, returns_enabled=True), credentials={},
                        actor=TESTER)
    shipment = packed_shipment(address=BERLIN)
    settings.CARRIER_CREDENTIALS_KEY = "a-new-key-nobody-encrypted-with"
    # when the portal asks for a return label: None (the portal shows the instructions)
    assert return_label_create(order_number=shipment.order_number, return_number="RMA-T-1", actor=TESTER) is None
    assert not [r for r in fake_dhl.state.requests if "returns" in r["path"]]


def test_cancelling_a_booking_forgets_its_scans(dhl_account, fake_dhl):
    # given a booked parcel with a scan
    shipment = shipment_book(shipment=packed_shipment(address=BERLIN), actor=TESTER)
    number = shipment.parcels.get().tracking_number
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    fake_dhl.state.scan(number, code="pre-transit", description="Electronic information submitted",
                        timestamp=moment.strftime("%Y-%m-%dT%H:%M:%S"))
    tracking_refresh(now=dt.datetime.now(dt.UTC))
    assert TrackingEvent.objects.filter(parcel__shipment=shipment).count() == 1
    # when the booking is cancelled
    shipment_booking_cancel(shipment=shipment, actor=TESTER)
    # then the deleted label's scans are gone with it
    assert not TrackingEvent.objects.filter(parcel__shipment=shipment).exists()
    assert Parcel.objects.get(shipment=shipment).tracking_checked_at is None
