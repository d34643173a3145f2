"""Settings → Carriers: list, add and edit carrier accounts with write-only credentials, the
test connection against the local fake DHL; hostile input gives a message and saves nothing;
no page ever shows a stored secret."""

import pytest
from django.test import Client

from kontorhaus.core.models import AuditEvent
from kontorhaus.fulfillment.models import CarrierAccount
from kontorhaus.fulfillment.services_carriers import credentials_decrypt
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import DHL_SECRETS

from .factories import UserFactory

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
SECRETS = list(DHL_SECRETS.values())


def _form(url: str = "http://127.0.0.1:9/parcel/de/shipping/v2", **overrides) -> dict:
    data = {"code": "dhl", "name": "DHL Paket", "kind": "dhl_parcel_de", "tracking_carrier": "dhl",
            "shipping_methods": "dhl-paket, DHL", "active": "on", "product": "V01PAK",
            "billing_number": "33333333330102", "auth_mode": "oauth", "api_base_url": url,
            "auth_url": "", "tracking_base_url": "", "returns_base_url": "", "return_billing_number": "",
            "return_receiver_id": "", "api_key": "key-abcdef-9876", "api_secret": "secret-zyxw-5555",
            "username": "", "password": "", "tracking_api_key": "", "webhook_secret": ""}
    data.update(overrides)
    return data


def _no_secret_in(html: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in html


def test_list_shows_accounts_with_credential_hints_only(client_in, dhl_account):
    # when the list is opened
    response = client_in.get("/settings/carriers/")
    html = response.content.decode()
    # then the account is there with its methods, product and address, and "set …" hints
    assert response.status_code == 200
    assert "DHL Paket" in html and "dhl-paket" in html and "V01PAK" in html and dhl_account.api_base_url in html
    assert "set …-key" in html  # the last four characters of "demo-api-key"
    _no_secret_in(html, *SECRETS)
    # and the settings tabs link here
    assert 'href="/settings/carriers/"' in client_in.get("/settings/company/").content.decode()


def test_add_an_account_and_edit_it_keeping_the_credentials(client_in):
    # when a DHL account is added
    response = client_in.post("/settings/carriers/new/", _form())
    assert response.status_code == 302
    account = CarrierAccount.objects.get(code="dhl")
    assert account.shipping_methods == ["dhl", "dhl-paket"] and account.product == "V01PAK"
    assert credentials_decrypt(account.credentials_encrypted) == {"api_key": "key-abcdef-9876",
                                                                  "api_secret": "secret-zyxw-5555"}
    # then the edit form shows hints, never a value
    html = client_in.get("/settings/carriers/dhl/").content.decode()
    _no_secret_in(html, "key-abcdef-9876", "secret-zyxw-5555")
    assert "set …9876" in html and "…5555" not in html  # API keys only show their last characters
    # when it is saved with empty credential fields and a new name
    response = client_in.post("/settings/carriers/dhl/", _form(name="DHL Geschäftskunden", api_key="", api_secret="",
                                                                 password="neues-passwort-1"))
    assert response.status_code == 302
    account.refresh_from_db()
    # then the stored credentials are kept, the new one added
    assert account.name == "DHL Geschäftskunden"
    assert credentials_decrypt(account.credentials_encrypted) == {
        "api_key": "key-abcdef-9876", "api_secret": "secret-zyxw-5555", "password": "neues-passwort-1"}
    _no_secret_in(client_in.get("/settings/carriers/").content.decode(), "neues-passwort-1", "key-abcdef-9876")
    event = AuditEvent.objects.filter(action="fulfillment.carrier_account.saved").order_by("-id").first()
    assert event.data["credentials_changed"] == ["password"] and "neues-passwort-1" not in str(event.data)


@pytest.mark.parametrize(("field", "value"), [
    ("name", "x" * 101),
    ("name", "DHL\x00Paket"),
    ("name", "DHL\nPaket"),
    ("api_base_url", "javascript:alert(1)"),
    ("api_base_url", "ftp://dhl.example/"),
    ("api_base_url", "http://" + "a" * 300 + ".de/"),
    ("kind", "pigeon_post"),
    ("tracking_carrier", "pigeon"),
    ("billing_number", "1234"),
    ("code", "dhl paket"),
    ("code", "<script>"),
    ("code", "new"),
    ("shipping_methods", "x" * 40),
    ("api_key", "k" * 501),
    ("api_key", "key\x07bell"),
    ("auth_mode", "kerberos"),
])
def test_hostile_input_is_refused_and_nothing_saved(client_in, field, value):
    response = client_in.post("/settings/carriers/new/", _form(**{field: value}))
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode() or "form-errors" in response.content.decode()
    assert not CarrierAccount.objects.exists()


def test_dhl_without_billing_number_is_explained(client_in):
    response = client_in.post("/settings/carriers/new/", _form(billing_number=""))
    assert response.status_code == 422 and "billing number" in response.content.decode()
    assert not CarrierAccount.objects.exists()


def test_new_with_an_existing_code_changes_nothing(client_in, dhl_account):
    before = (dhl_account.name, dhl_account.credentials_encrypted)
    response = client_in.post("/settings/carriers/new/", _form(name="Overwritten", api_key="attacker-key-0000"))
    assert response.status_code == 422 and "exists already" in response.content.decode()
    account = CarrierAccount.objects.get(code="dhl")
    assert (account.name, account.credentials_encrypted) == before


def test_shipping_method_of_another_account_is_refused(client_in, dhl_account):
    response = client_in.post("/settings/carriers/new/", _form(code="dhl2", shipping_methods="dhl-paket"))
    assert response.status_code == 422 and "dhl-paket" in response.content.decode()
    assert CarrierAccount.objects.count() == 1


def test_a_manual_account(client_in):
    response = client_in.post("/settings/carriers/new/", _form(
        code="dpd", name="DPD", kind="manual", tracking_carrier="dpd", shipping_methods="dpd", api_base_url="",
        billing_number="", product="", api_key="", api_secret=""))
    assert response.status_code == 302
    account = CarrierAccount.objects.get(code="dpd")
    assert account.kind == "manual" and account.credentials_encrypted == ""
    assert "Test connection" not in client_in.get("/settings/carriers/").content.decode()


def test_unknown_account_is_404_and_clerks_are_refused(client_in, db):
    assert client_in.get("/settings/carriers/nope/").status_code == 404
    clerk = Client(HTTP_ACCEPT_LANGUAGE="en")
    clerk.force_login(UserFactory(username="packer", is_staff=False))
    assert clerk.get("/settings/carriers/").status_code == 403
    assert clerk.post("/settings/carriers/new/", _form()).status_code == 403
    assert not CarrierAccount.objects.exists()
    assert Client().get("/settings/carriers/").status_code == 302  # to the login


def test_test_connection_against_the_fake(client_in, dhl_account, fake_dhl):
    # when the connection is tested
    calls = len(fake_dhl.state.requests)
    response = client_in.post("/settings/carriers/dhl/test/", follow=True)
    # then DHL was asked with validate=true, nothing booked
    html = response.content.decode()
    assert "Connection works" in html
    orders = [r for r in fake_dhl.state.requests[calls:] if r["path"].endswith("/orders")]
    assert orders and all(r["query"].get("validate") == ["true"] for r in orders)
    assert not fake_dhl.state.shipments
    _no_secret_in(html, *SECRETS)
    # when DHL is down
    fake_dhl.state.outage = 503
    html = client_in.post("/settings/carriers/dhl/test/", follow=True).content.decode()
    assert "The carrier refused the test" in html and "not available" in html
    assert client_in.get("/settings/carriers/dhl/test/").status_code == 405
