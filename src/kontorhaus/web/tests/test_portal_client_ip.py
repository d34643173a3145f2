"""Behind the shop's reverse proxy every request comes from the proxy's address: the portal's
lookup limit and the download log must use the client's address (web.client_ip), or every
customer shares one budget and the log names the proxy."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from kontorhaus.fulfillment.models import DownloadLog
from kontorhaus.fulfillment.tests.factories import download_tokens, make_ebook
from kontorhaus.returns.tests.factories import shipped_order
from kontorhaus.sales.tests.factories import place_order
from kontorhaus.web.portal_links import LOOKUP_LIMIT_PER_IP

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy():
    with override_settings(KONTORHAUS={**settings.KONTORHAUS, "TRUSTED_PROXIES": "10.0.0.0/8"}):
        yield


def _lookup(client: Client, order_number: str, forwarded: str) -> int:
    return client.post("/portal/", {"order_number": order_number, "postal_code": "99999"},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code


def test_the_lookup_limit_counts_per_client_behind_the_proxy(client: Client, behind_proxy) -> None:
    # given one client behind the proxy that used up its lookups (on several order numbers)
    for i in range(LOOKUP_LIMIT_PER_IP):
        assert _lookup(client, f"AU-2026-9{i:05d}", "198.51.100.1") == 200
    assert _lookup(client, "AU-2026-800000", "198.51.100.1") == 429
    # when another customer behind the same proxy looks up an order
    order = shipped_order(1)
    status = _lookup(client, order.number, "198.51.100.2")
    # then that customer is not throttled by the first one's attempts
    assert status == 200


def test_a_forged_forwarded_header_does_not_escape_the_limit(client: Client) -> None:
    # given no trusted proxy: X-Forwarded-For is whatever the client typed
    for i in range(LOOKUP_LIMIT_PER_IP):
        assert _lookup(client, f"AU-2026-7{i:05d}", f"6.6.6.{i}") == 200
    # when the same address tries again with yet another forged header, then it is throttled
    assert _lookup(client, "AU-2026-600000", "6.6.7.1") == 429


def test_the_download_log_names_the_client_not_the_proxy(client: Client, behind_proxy) -> None:
    # given a delivered e-book
    make_ebook()
    order = place_order(lines=[("EBOOK-1", 1, "9.99")], paid=True, shipping_price="").order
    (token,) = download_tokens(order)
    # when the customer downloads it through the proxy
    response = client.post(f"/d/{token}", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    # then the log has the customer's address
    assert response.status_code == 200
    assert DownloadLog.objects.get().ip == "198.51.100.7"
