"""The customer's download page: serves, counts, refuses — and logs only real downloads."""

import datetime as dt
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from kontorhaus.core import clock
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.fulfillment.models import DownloadGrant, DownloadLog
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, place_order

from .factories import EBOOK_BYTES, download_tokens, make_ebook

T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield T0
    clock.unfreeze()


def _delivered_token(**ebook) -> str:
    make_ebook(**ebook)
    order = place_order(lines=[("EBOOK-1", 1, "9.99")], paid=True, shipping_price="").order
    (token,) = download_tokens(order)
    return token


@pytest.mark.django_db
def test_the_page_counts_nothing_and_the_button_serves_counts_and_logs(client):
    # given a delivered e-book
    token = _delivered_token()
    # when the customer opens the link (or a mail scanner does) and then clicks the button
    page = client.get(f"/d/{token}", HTTP_ACCEPT_LANGUAGE="de")
    assert DownloadGrant.objects.get().download_count == 0
    response = client.post(f"/d/{token}", HTTP_USER_AGENT="Firefox", REMOTE_ADDR="203.0.113.7")
    # then the page tells what is left, and the file is served as an attachment, counted and logged
    assert page.status_code == 200 and "5 Downloads übrig" in page.content.decode()
    assert response.status_code == 200 and response.content == EBOOK_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ebook-1.pdf"'
    grant = DownloadGrant.objects.get()
    assert grant.download_count == 1
    (log,) = DownloadLog.objects.all()
    assert (log.ip, log.user_agent) == ("203.0.113.7", "Firefox")
    assert AuditEvent.objects.filter(order_number=grant.order_number, action="fulfillment.download_grant.used",
                                     data__downloads=1).exists()


@pytest.mark.django_db
def test_after_the_limit_the_link_is_refused(client, settings):
    # given a limit of two downloads
    settings.KONTORHAUS = {**settings.KONTORHAUS, "DOWNLOAD_LIMIT": 2}
    token = _delivered_token()
    # when the customer downloads three times
    statuses = [client.post(f"/d/{token}").status_code for _ in range(3)]
    # then the third is refused with a friendly page, and only two are logged
    assert statuses == [200, 200, 410]
    assert "All downloads used" in client.get(f"/d/{token}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert DownloadLog.objects.count() == 2 and DownloadGrant.objects.get().download_count == 2


@pytest.mark.django_db
def test_after_the_expiry_the_link_is_refused(client, frozen, settings):
    # given a link valid for 30 days from T0
    settings.KONTORHAUS = {**settings.KONTORHAUS, "DOWNLOAD_DAYS": 30}
    token = _delivered_token()
    assert DownloadGrant.objects.get().expires_at == T0 + dt.timedelta(days=30)
    # when the customer comes back one second before and one second after
    clock.freeze(T0 + dt.timedelta(days=30, seconds=-1))
    before = client.post(f"/d/{token}")
    clock.freeze(T0 + dt.timedelta(days=30, seconds=1))
    after = client.post(f"/d/{token}")
    page = client.get(f"/d/{token}", HTTP_ACCEPT_LANGUAGE="en")
    # then the first download works, the later one is refused as expired, and not logged
    assert (before.status_code, after.status_code, page.status_code) == (200, 410, 410)
    assert "expired" in page.content.decode()
    assert DownloadLog.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("mangle", [
    lambda t: ("y" if t[0] == "x" else "x") + t[1:],  # tampered (a token may start with "x")
    lambda t: t[:-1],                            # truncated
    lambda t: "A" * 43,                          # made up
    lambda t: "a" * 500,                         # absurdly long
])
def test_an_unknown_or_tampered_token_is_refused_without_logging(client, mangle):
    # given a delivered e-book
    token = _delivered_token()
    # when someone tries a token that is not the one in the e-mail
    responses = [client.get(f"/d/{mangle(token)}"), client.post(f"/d/{mangle(token)}")]
    # then both answer 404 and nothing is counted or logged
    assert [r.status_code for r in responses] == [404, 404]
    assert "Download link not found" in client.get(f"/d/{mangle(token)}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert DownloadGrant.objects.get().download_count == 0 and not DownloadLog.objects.exists()


@pytest.mark.django_db
def test_an_article_without_a_file_says_not_available_yet_and_counts_nothing(client):
    # given an e-book delivered before its file was uploaded
    token = _delivered_token(asset=False)
    # when the customer clicks
    response = client.post(f"/d/{token}", HTTP_ACCEPT_LANGUAGE="en")
    # then a clear page, nothing counted
    assert response.status_code == 404 and "Not available yet" in response.content.decode()
    assert DownloadGrant.objects.get().download_count == 0 and not DownloadLog.objects.exists()


@pytest.mark.django_db
def test_a_cancelled_order_revokes_its_links(client):
    # given a delivered e-book whose order is then cancelled
    token = _delivered_token()
    grant = DownloadGrant.objects.get()
    order_cancel(order=SalesOrder.objects.get(number=grant.order_number), actor=TESTER)
    # then the link is refused
    assert client.post(f"/d/{token}").status_code == 410
    assert not DownloadLog.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_concurrent_clicks_never_exceed_the_limit(live_server, settings):
    # given a link with a limit of 5
    settings.KONTORHAUS = {**settings.KONTORHAUS, "DOWNLOAD_LIMIT": 5}
    token = _delivered_token()
    url = f"{live_server.url}/d/{token}"
    clients = 16
    barrier = threading.Barrier(clients)

    def click(_: int) -> int:
        request = urllib.request.Request(url, data=b"", method="POST")
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        for _attempt in range(10):
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our live server
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code
            except (ConnectionError, urllib.error.URLError):
                continue
        raise AssertionError("server unreachable")

    # when 16 clicks arrive at the same moment
    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = list(pool.map(click, range(clients)))
    connection.close()
    # then exactly 5 downloads are served and logged, the rest refused
    assert sorted(statuses) == [200] * 5 + [410] * 11, statuses
    assert DownloadGrant.objects.get().download_count == 5
    assert DownloadLog.objects.count() == 5
