"""Carrier accounts must not hand their credentials to another host (issue 6 review): a host
change needs the credentials typed again, plain http only to this machine, redirects are not
followed, and the decrypted credentials never show in a repr. One tracking number per carrier
is a database rule."""

import pytest
from django.db import IntegrityError, transaction

from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.flows.shipment_booking import CarrierRefused, carrier_account_check
from kontorhaus.fulfillment.carriers.base import CarrierError
from kontorhaus.fulfillment.carriers.fake_dhl import FakeDhlServer
from kontorhaus.fulfillment.carriers.registry import adapter_for
from kontorhaus.fulfillment.models import CarrierAccount, Parcel
from kontorhaus.fulfillment.services_booking import parcel_tracking_number_set
from kontorhaus.fulfillment.services_carriers import carrier_account_set, carrier_config, credentials_decrypt
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import DHL_SECRETS, dhl_account_data, packed_shipment
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
SENT = {name: value for name, value in DHL_SECRETS.items() if name != "webhook_secret"}


def test_moving_an_address_to_another_host_needs_the_credentials_again(dhl_account, fake_dhl):
    with FakeDhlServer() as other:
        # when the shipping address moves to another host without the credentials: refused
        with pytest.raises(InvalidInput, match="another host") as error:
            carrier_account_set(code="dhl", data=dhl_account_data(other.url), credentials={}, actor=TESTER)
        assert error.value.details["field"] == "api_key"
        assert CarrierAccount.objects.get().api_base_url.startswith(fake_dhl.url)
        # with only some of them typed again: still refused
        with pytest.raises(InvalidInput, match="password"):
            carrier_account_set(code="dhl", data=dhl_account_data(other.url), credentials={"api_key": "k" * 12},
                                actor=TESTER)
        # with all of them: saved
        carrier_account_set(code="dhl", data=dhl_account_data(other.url), credentials=SENT, actor=TESTER)
    assert CarrierAccount.objects.get().api_base_url.startswith(other.url)
    # the same host with another path keeps the stored credentials
    carrier_account_set(code="dhl", data=dhl_account_data(other.url, product="V62KP"), credentials={}, actor=TESTER)
    assert credentials_decrypt(CarrierAccount.objects.get().credentials_encrypted)["password"] == SENT["password"]


@pytest.mark.parametrize(("url", "ok"), [
    ("http://dhl.example.com", False),
    ("http://10.0.0.1:8080", False),
    ("https://api-eu.dhl.com", True),
    ("http://127.0.0.1:8765", True),
    ("http://localhost:8765", True),
])
def test_plain_http_only_to_this_machine(url, ok):
    def save():
        return carrier_account_set(code="dhl", data=dhl_account_data(url), credentials={}, actor=TESTER)
    if ok:
        assert save().api_base_url.startswith(url)
    else:
        with pytest.raises(InvalidInput, match="https"):
            save()
        assert not CarrierAccount.objects.exists()


def test_redirects_are_not_followed_with_our_credentials(dhl_account, fake_dhl):
    # given the carrier's address answers every call with a redirect to another host
    with FakeDhlServer() as elsewhere:
        fake_dhl.state.redirect_to = elsewhere.url
        # when the connection is tested and a parcel is tracked
        with pytest.raises(CarrierRefused):
            carrier_account_check(account=dhl_account)
        with pytest.raises(CarrierError):
            adapter_for(carrier_config(dhl_account)).track("00340434160000000001")
        # then the other host never saw a request (nor our API key or token)
        assert elsewhere.state.requests == []


def test_decrypted_credentials_do_not_show_in_a_repr(dhl_account):
    text = repr(carrier_config(dhl_account))
    assert not [value for value in DHL_SECRETS.values() if value in text]


def test_one_tracking_number_per_carrier(fake_dhl):
    first, second = packed_shipment(sku="MUG").parcels.get(), packed_shipment(sku="TEE").parcels.get()
    parcel_tracking_number_set(parcel=first, tracking_number="H1000000000000000001", carrier="hermes", actor=TESTER)
    # the database refuses a second parcel of the carrier with that number, whoever writes it
    with pytest.raises(IntegrityError), transaction.atomic():
        Parcel.objects.filter(pk=second.pk).update(tracking_number="H1000000000000000001", tracking_carrier="hermes")
    # another carrier may use the same characters
    assert parcel_tracking_number_set(parcel=second, tracking_number="H1000000000000000001", carrier="dpd",
                                      actor=TESTER)
