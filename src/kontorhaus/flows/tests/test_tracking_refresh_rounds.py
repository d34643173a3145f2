"""The polling round (flows.tracking_update.tracking_refresh) against the local fake DHL: one
parcel's problem does not stop the round, a DHL outage costs one call per account instead of
one timeout per parcel, and DHL numbers typed in by hand are followed too."""

import datetime as dt

import pytest

from kontorhaus.flows.shipment_booking import shipment_book
from kontorhaus.flows.tracking_update import tracking_refresh
from kontorhaus.fulfillment.models import Parcel, Shipment, TrackingEvent
from kontorhaus.fulfillment.services_booking import parcel_tracking_number_set
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import packed_shipment
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}


def _booked(sku: str) -> Parcel:
    return shipment_book(shipment=packed_shipment(address=BERLIN, sku=sku), actor=TESTER).parcels.get()


def _scan(fake, number: str, code: str, text: str) -> None:
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    fake.state.scan(number, code=code, description=text, timestamp=moment.strftime("%Y-%m-%dT%H:%M:%S"))


def _tracking_calls(fake) -> int:
    return sum(1 for r in fake.state.requests if r["path"].endswith("/track/shipments"))


def test_a_parcel_that_cannot_take_its_events_does_not_stop_the_round(dhl_account, fake_dhl):
    # given two parcels on their way; the first one's order is gone, so recording fails for it
    broken, good = _booked("MUG"), _booked("TEE")
    Shipment.objects.filter(pk=broken.shipment_id).update(order_number="AU-0000-GONE")
    _scan(fake_dhl, broken.tracking_number, "delivered", "The shipment has been successfully delivered")
    _scan(fake_dhl, good.tracking_number, "transit", "The shipment has been processed in the parcel center")
    # when the round runs
    result = tracking_refresh(now=dt.datetime.now(dt.UTC))
    # then the good parcel is recorded, the broken one counted failed and marked checked
    assert (result.checked, result.failed) == (1, 1)
    assert TrackingEvent.objects.filter(parcel=good).count() == 1 and not TrackingEvent.objects.filter(parcel=broken)
    assert Parcel.objects.get(pk=broken.pk).tracking_checked_at is not None


def test_an_outage_stops_the_round_for_that_account_after_one_call(dhl_account, fake_dhl):
    # given three parcels on their way and DHL down
    parcels = [_booked(sku) for sku in ("MUG", "TEE", "CAP")]
    fake_dhl.state.outage = 503
    before = _tracking_calls(fake_dhl)
    # when the round runs
    result = tracking_refresh(now=dt.datetime.now(dt.UTC))
    # then DHL was asked once, and the parcels not asked wait for the next round
    assert _tracking_calls(fake_dhl) - before == 1 and result.failed == 1 and result.checked == 0
    assert sum(1 for p in parcels if Parcel.objects.get(pk=p.pk).tracking_checked_at is None) == 2
    # and once DHL is back, the next round asks about the two that waited
    fake_dhl.state.outage = 0
    assert tracking_refresh(now=dt.datetime.now(dt.UTC)).checked == 2


def test_dhl_numbers_typed_in_are_tracked_with_the_dhl_account(dhl_account, fake_dhl):
    # given a parcel whose DHL number was typed in (booked in DHL's own software, no account)
    shipment = packed_shipment(address=BERLIN)
    parcel = shipment.parcels.get()
    parcel_tracking_number_set(parcel=parcel, tracking_number="00340434169999999999", carrier="dhl", actor=TESTER)
    _scan(fake_dhl, "00340434169999999999", "transit", "The shipment has been processed in the parcel center")
    # when the round runs
    result = tracking_refresh(now=dt.datetime.now(dt.UTC))
    # then its scan is recorded and the shipment counts as handed over
    assert result.new_events == 1 and Parcel.objects.get(pk=parcel.pk).tracking_status == "in_transit"
    assert Shipment.objects.get(pk=shipment.pk).status == "shipped"
