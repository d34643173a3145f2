"""Contract tests of the DHL adapters against the local fake (real HTTP): the request the
adapter sends has the published shape, and each answer — success, warnings, invalid address,
auth failure, outage, 207 partial failure — becomes a result or a clear CarrierError. The fake's
answers are compared key by key with DHL's published samples in ../shared/fixtures/06-shipping."""

import base64
import datetime as dt
import json
from pathlib import Path

import pytest

from kontorhaus.fulfillment.carriers.base import (
    Address,
    BookingRequest,
    CarrierConfig,
    CarrierCredentials,
    CarrierError,
    ParcelSpec,
    ReturnRequest,
)
from kontorhaus.fulfillment.carriers.dhl_address import country_alpha3, dhl_address, street_split
from kontorhaus.fulfillment.carriers.dhl_parcel_de import token_cache_clear
from kontorhaus.fulfillment.carriers.registry import adapter_for

from . import carrier_fixtures

fake_dhl = carrier_fixtures.fake_dhl

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "06-shipping"
SHOP = Address(name="Kontorhaus Demo GmbH", street="Speicherstadt 1", postal_code="20457", city="Hamburg",
               country="DE")
ERIKA = Address(name="Erika Mustermann", street="Hauptstraße 1", postal_code="10115", city="Berlin", country="DE")
PARCEL = ParcelSpec(1200, 30, 20, 10)


def _config(url: str, **overrides) -> CarrierConfig:
    values = dict(kind="dhl_parcel_de", tracking_carrier="dhl", api_base_url=f"{url}/parcel/de/shipping/v2",
                  auth_url=f"{url}/parcel/de/account/auth/ropc/v1/token", tracking_base_url=f"{url}/track",
                  returns_base_url=f"{url}/parcel/de/shipping/returns/v1", return_receiver_id="deu",
                  billing_number="33333333330102", return_billing_number="33333333330701", product="V01PAK",
                  credentials=CarrierCredentials(api_key="demo-api-key", api_secret="demo-api-secret",
                                                 username="user-valid", password="SandboxPasswort2023!"),
                  timeout_seconds=5)
    values.update(overrides)
    return CarrierConfig(**values)


def _request(*parcels: ParcelSpec, consignee: Address = ERIKA, **kw) -> BookingRequest:
    return BookingRequest(reference="AU-2026-000123", shipper=SHOP, consignee=consignee, parcels=parcels or (PARCEL,),
                          ship_date=dt.date(2026, 11, 27), **kw)


def _keys(value, depth=0) -> set:
    """The key paths of a JSON value (lists: their first element), for shape comparisons."""
    if isinstance(value, dict):
        return {k for k in value} | {f"{k}.{sub}" for k, v in value.items() for sub in _keys(v, depth + 1)}
    if isinstance(value, list) and value:
        return _keys(value[0], depth)
    return set()


@pytest.fixture(autouse=True)
def _fresh_tokens():
    token_cache_clear()


def test_one_parcel_is_booked_with_the_published_request_shape(fake_dhl):
    # when
    result = adapter_for(_config(fake_dhl.url)).book(_request(language="de"))
    # then: a tracking number as a string and a real PDF label
    (parcel,) = result.parcels
    assert parcel.tracking_number.isdigit() and len(parcel.tracking_number) == 20
    assert parcel.label_pdf.startswith(b"%PDF") and parcel.warnings == ()
    # and the request: OAuth token first, then POST /orders with api key, bearer and language
    token_call, create = fake_dhl.state.requests
    assert token_call["path"].endswith("/auth/ropc/v1/token")
    assert create["headers"]["dhl-api-key"] == "demo-api-key"
    assert create["headers"]["authorization"].startswith("Bearer ")
    assert create["headers"]["accept-language"] == "de-DE"
    body = json.loads(create["body"])
    sample = json.loads((FIXTURES / "dhl-parcel-de-v2" / "postman-requests" / "V01PAK_No_VAS.json").read_text())
    assert _keys(body) - {"shipments.services"} <= _keys(sample) | _keys(
        json.loads((FIXTURES / "dhl-parcel-de-v2" / "karrio-sample-shipping_request.json").read_text()))
    shipment = body["shipments"][0]
    assert body["profile"] == "STANDARD_GRUPPENPROFIL" and shipment["product"] == "V01PAK"
    assert shipment["refNo"] == "AU-2026-000123" and shipment["billingNumber"] == "33333333330102"
    assert shipment["consignee"] == {"name1": "Erika Mustermann", "addressStreet": "Hauptstraße", "addressHouse": "1",
                                     "postalCode": "10115", "city": "Berlin", "country": "DEU"}
    assert shipment["details"] == {"dim": {"uom": "mm", "length": 300, "width": 200, "height": 100},
                                   "weight": {"uom": "g", "value": 1200}}


def test_the_oauth_token_is_cached_until_it_expires(fake_dhl):
    adapter = adapter_for(_config(fake_dhl.url))
    adapter.book(_request())
    adapter.book(_request())
    paths = [r["path"] for r in fake_dhl.state.requests]
    assert paths.count("/parcel/de/account/auth/ropc/v1/token") == 1
    # an expired token (the server forgot it) is fetched anew once
    fake_dhl.state.tokens.clear()
    adapter.book(_request())
    assert [r["path"] for r in fake_dhl.state.requests].count("/parcel/de/account/auth/ropc/v1/token") == 2


def test_basic_auth_sends_the_portal_user(fake_dhl):
    adapter_for(_config(fake_dhl.url, auth_mode="basic")).book(_request())
    (create,) = fake_dhl.state.requests
    assert base64.b64decode(create["headers"]["authorization"][6:]) == b"user-valid:SandboxPasswort2023!"


def test_several_parcels_one_call_207_all_booked(fake_dhl):
    result = adapter_for(_config(fake_dhl.url)).book(_request(PARCEL, PARCEL, PARCEL))
    assert len({p.tracking_number for p in result.parcels}) == 3


def test_a_warning_still_books_and_is_handed_on(fake_dhl):
    far = Address(name="Erika", street="Hauptstraße 777", postal_code="10115", city="Berlin", country="DE")
    (parcel,) = adapter_for(_config(fake_dhl.url)).book(_request(consignee=far, language="en")).parcels
    assert parcel.label_pdf.startswith(b"%PDF")
    assert parcel.warnings == ("consignee: The house number could not be found",)


@pytest.mark.parametrize(("street", "city", "expected"), [
    ("Hauptstraße 1", "Hamburg", "consignee.postalCode: Die Postleitzahl passt nicht zum Ort"),
    ("Hauptstraße", "Berlin", "consignee.addressHouse: Bitte geben Sie eine Hausnummer an"),
])
def test_an_invalid_address_is_a_clear_error(fake_dhl, street, city, expected):
    bad = Address(name="Erika", street=street, postal_code="10115", city=city, country="DE")
    with pytest.raises(CarrierError) as error:
        adapter_for(_config(fake_dhl.url)).book(_request(consignee=bad, language="de"))
    assert error.value.kind == "invalid_address"
    assert expected in error.value.message and "Nothing was booked" in error.value.message


def test_a_207_partial_failure_cancels_the_booked_parcels(fake_dhl):
    # given a call whose second parcel is over DHL Paket's 31.5 kg
    adapter = adapter_for(_config(fake_dhl.url))
    # when
    with pytest.raises(CarrierError) as error:
        adapter.book(_request(PARCEL, ParcelSpec(40_000, 60, 40, 40), language="en"))
    # then the first parcel was booked and cancelled at DHL: nothing stays booked
    assert "parcel 2 of 2: details.weight: The weight must be between 0 and 31.5 kg" in error.value.message
    assert error.value.kind == "rejected"
    deletes = [r for r in fake_dhl.state.requests if r["method"] == "DELETE"]
    assert len(deletes) == 1 and deletes[0]["query"]["profile"] == ["STANDARD_GRUPPENPROFIL"]
    assert len(fake_dhl.state.shipments) == 1 and all(s["cancelled"] for s in fake_dhl.state.shipments.values())


@pytest.mark.parametrize("status", [503, 500])
def test_an_outage_is_unavailable(fake_dhl, status):
    fake_dhl.state.outage = status
    with pytest.raises(CarrierError) as error:
        adapter_for(_config(fake_dhl.url)).book(_request())
    assert error.value.kind == "unavailable" and "try again" in error.value.message


def test_nothing_listening_is_unavailable():
    with pytest.raises(CarrierError) as error:
        adapter_for(_config("http://127.0.0.1:9", timeout_seconds=1)).book(_request())
    assert error.value.kind == "unavailable"


@pytest.mark.parametrize("credentials", [
    CarrierCredentials(api_key="wrong", api_secret="demo-api-secret", username="user-valid",
                       password="SandboxPasswort2023!"),
    CarrierCredentials(api_key="demo-api-key", api_secret="demo-api-secret", username="user-valid", password="x"),
])
def test_wrong_credentials_are_an_auth_error(fake_dhl, credentials):
    with pytest.raises(CarrierError) as error:
        adapter_for(_config(fake_dhl.url, credentials=credentials)).book(_request())
    assert error.value.kind == "auth" and "credentials" in error.value.message


def test_wrong_basic_user_is_an_auth_error(fake_dhl):
    creds = CarrierCredentials(api_key="demo-api-key", username="user-valid", password="nope")
    with pytest.raises(CarrierError) as error:
        adapter_for(_config(fake_dhl.url, auth_mode="basic", credentials=creds)).book(_request())
    assert error.value.kind == "auth"


def test_validate_only_books_nothing(fake_dhl):
    result = adapter_for(_config(fake_dhl.url)).book(_request(validate_only=True))
    assert result.parcels[0].tracking_number == "" and fake_dhl.state.shipments == {}
    assert fake_dhl.state.requests[-1]["query"]["validate"] == ["true"]


def test_cancel_deletes_and_refuses_unknown_numbers(fake_dhl):
    adapter = adapter_for(_config(fake_dhl.url))
    number = adapter.book(_request()).parcels[0].tracking_number
    adapter.cancel([number])
    with pytest.raises(CarrierError, match="did not cancel"):
        adapter.cancel([number])


def test_return_labels_with_the_outbound_parcel_and_on_their_own(fake_dhl):
    adapter = adapter_for(_config(fake_dhl.url))
    (parcel,) = adapter.book(_request(return_address=SHOP)).parcels
    assert parcel.return_tracking_number and parcel.return_label_pdf.startswith(b"%PDF")
    body = json.loads(fake_dhl.state.requests[-1]["body"])
    assert body["shipments"][0]["services"]["dhlRetoure"]["billingNumber"] == "33333333330701"
    label = adapter.return_label(ReturnRequest(reference="AU-1", customer=ERIKA, return_address=SHOP))
    assert label.tracking_number and label.label_pdf.startswith(b"%PDF")


def test_fake_answers_have_the_published_shapes(fake_dhl):
    """The fake's create, error and cancel answers carry the keys of DHL's published samples."""
    import urllib.request
    adapter = adapter_for(_config(fake_dhl.url))
    headers = adapter._headers("de")
    body = json.dumps(adapter.shipment_order(_request(return_address=SHOP))).encode()

    def call(method, path, data=None):
        req = urllib.request.Request(fake_dhl.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    status, created = call("POST", "/parcel/de/shipping/v2/orders", body)
    sample = json.loads((FIXTURES / "dhl-parcel-de-v2" / "karrio-test-response-create-with-return-label.json")
                        .read_text())
    assert status == 200
    assert {"status", "items", "items.shipmentNo", "items.returnShipmentNo", "items.sstatus", "items.label",
            "items.label.b64", "items.returnLabel.b64", "items.validationMessages"} <= _keys(created) & _keys(sample)
    assert isinstance(created["items"][0]["shipmentNo"], str)
    bad = json.loads(body)
    bad["shipments"][0]["consignee"]["city"] = "Hamburg"
    status, refused = call("POST", "/parcel/de/shipping/v2/orders", json.dumps(bad).encode())
    error_sample = json.loads((FIXTURES / "dhl-parcel-de-v2" / "karrio-test-response-validation-error.json")
                              .read_text())
    assert status == 400 and _keys(error_sample) - {"items.shipmentNo", "status.instance"} <= _keys(refused)
    number = created["items"][0]["shipmentNo"]
    status, cancelled = call("DELETE",
                             f"/parcel/de/shipping/v2/orders?profile=STANDARD_GRUPPENPROFIL&shipment={number}")
    cancel_sample = json.loads((FIXTURES / "dhl-parcel-de-v2" / "karrio-test-response-cancel.json").read_text())
    assert status == 200 and {"status", "items", "items.shipmentNo", "items.sstatus"} <= _keys(cancelled)
    assert {"items.shipmentNo", "items.sstatus.status"} <= _keys(cancel_sample)
    fake_dhl.state.scan(number, code="transit", description="In the parcel centre")
    tracked = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{fake_dhl.url}/track/shipments?trackingNumber={number}", headers={"DHL-API-Key": "demo-api-key"})).read())
    unified = json.loads((FIXTURES / "dhl-tracking-unified" / "karrio-test-response-tracking.json").read_text())
    assert {"shipments.id", "shipments.status.statusCode", "shipments.events.timestamp", "shipments.events.statusCode",
            "shipments.events.description", "shipments.events.location.address.addressLocality"} <= (
        _keys(tracked) & _keys(unified))
    try:
        urllib.request.urlopen(urllib.request.Request(f"{fake_dhl.url}/track/shipments?trackingNumber=123",
                                                      headers={"DHL-API-Key": "demo-api-key"}))
    except urllib.error.HTTPError as e:
        problem = json.loads(e.read())
        assert e.code == 404 and e.headers["Content-Type"] == "application/problem+json"
    error_fixture = json.loads((FIXTURES / "dhl-tracking-unified" / "karrio-test-response-tracking-error.json")
                               .read_text())
    assert set(problem) == set(error_fixture)


def test_addresses_split_and_convert():
    assert street_split("Kurt-Schumacher-Str. 20a") == ("Kurt-Schumacher-Str.", "20a")
    assert street_split("Am Markt 3 - 5") == ("Am Markt", "3-5")
    assert street_split("10 Downing Street") == ("Downing Street", "10")
    assert street_split("Hauptstraße") == ("Hauptstraße", "")
    assert [country_alpha3(c) for c in ("DE", "AT", "FR", "GB", "NLD")] == ["DEU", "AUT", "FRA", "GBR", "NLD"]
    with pytest.raises(CarrierError):
        country_alpha3("XX")
    long_name = Address(name="Maximilian Alexander von und zu Mustermann-Schmidt " * 2, street="Weg 1",
                        postal_code="10115", city="Berlin", country="DE", company="Beispiel Handelsgesellschaft mbH")
    fields = dhl_address(long_name, who="consignee")
    assert all(len(fields[f"name{i}"]) <= 50 for i in (1, 2, 3))
    with pytest.raises(CarrierError, match="street is longer"):
        dhl_address(Address(name="A", street="S" * 60 + " 1", postal_code="10115", city="Berlin", country="DE"),
                    who="consignee")
