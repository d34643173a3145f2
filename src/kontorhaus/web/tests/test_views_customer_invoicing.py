import pytest
from django.test import Client

from kontorhaus.core.models import AuditEvent
from kontorhaus.sales.tests.factories import make_article, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client, django_user_model):
    make_article(stock=5)
    client.force_login(django_user_model.objects.create_user("erika", password="pw-123456789"))
    return place_order().order.customer


def _post(client, customer, **data):
    values = {"vat_id": "", "einvoice_format": "", "buyer_reference": "", **data}
    return client.post(f"/customers/{customer.number}/invoicing/", values, HTTP_ACCEPT_LANGUAGE="en")


def test_vat_id_and_xrechnung_with_a_leitweg_id_are_saved(client, customer):
    response = _post(client, customer, vat_id="atu 1358 5627", einvoice_format="xrechnung_cii",
                     buyer_reference="991-12345-67")
    customer.refresh_from_db()
    assert response.status_code == 302
    assert (customer.vat_id, customer.einvoice_format, customer.buyer_reference) == (
        "ATU13585627", "xrechnung_cii", "991-12345-67")
    assert AuditEvent.objects.filter(action="customers.customer.invoicing_set").count() == 1
    assert "XRechnung" in client.get(response.url).content.decode()


@pytest.mark.parametrize("data, message", [
    ({"vat_id": "DE123456789"}, "not a valid EU VAT id"),
    ({"vat_id": "<script>alert(1)</script>"}, "not a valid EU VAT id"),
    ({"einvoice_format": "xrechnung_ubl"}, "needs a buyer reference"),
    ({"einvoice_format": "pdf-and-more"}, "Select a valid choice"),
    ({"einvoice_format": "xrechnung_cii", "buyer_reference": "991\x00-1"}, "Null characters are not allowed"),
    ({"einvoice_format": "xrechnung_cii", "buyer_reference": "991\x07-1"}, "printable"),
])
def test_bad_invoicing_settings_are_shown_and_change_nothing(client, customer, data, message):
    response = _post(client, customer, **data)
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    customer.refresh_from_db()
    assert message in page.replace("&#x27;", "'")
    assert (customer.vat_id, customer.einvoice_format, customer.buyer_reference) == ("", "", "")
    assert not AuditEvent.objects.filter(action="customers.customer.invoicing_set").exists()


def test_anonymous_users_are_sent_to_the_login(customer):
    assert Client().post(f"/customers/{customer.number}/invoicing/", {"vat_id": ""}).status_code == 302
