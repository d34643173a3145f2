"""What the open portal refuses before any view (or Django's CSRF check) reads a request body,
and whose address a rate limit counts when a reverse proxy sits in front."""

import socket
import time
from urllib.parse import urlparse

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from kontorhaus.config.middleware import LimitPortalBody
from kontorhaus.web.client_ip import client_ip

LIMIT = 41 * 1024 * 1024


def _raw_post(live_server, path: str, headers: str, body: bytes = b"x") -> tuple[int, float]:
    """A POST on a real socket that announces its body but sends only a byte of it: the answer
    must come without the server waiting for the rest."""
    url = urlparse(live_server.url)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\r\nHost: {url.hostname}\r\n{headers}\r\n".encode() + body)
        status_line = conn.makefile("rb").readline().decode()
    return int(status_line.split()[1]), time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_an_announced_oversized_upload_is_refused_before_the_body_is_read(live_server):
    headers = f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {200 * 1024 * 1024}\r\n"
    status, seconds = _raw_post(live_server, "/portal/o/anything/return/", headers)
    assert status == 413 and seconds < 5  # it did not wait for 200 MB


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("headers", "status"), [
    ("Transfer-Encoding: chunked\r\n", 411),
    ("Content-Length: 12abc\r\n", 400),
])
def test_a_chunked_or_malformed_body_length_is_refused(live_server, headers, status):
    assert _raw_post(live_server, "/portal/o/anything/return/", headers, body=b"")[0] == status


@pytest.mark.django_db
def test_the_limit_comes_before_the_csrf_check_and_leaves_the_back_office_alone():
    client = Client(enforce_csrf_checks=True)
    big = {"CONTENT_LENGTH": str(LIMIT + 1)}
    assert client.post("/portal/o/anything/return/", {"a": "b"}, **big).status_code == 413
    # within the limit, the CSRF check answers as before
    assert client.post("/portal/o/anything/return/", {"a": "b"}).status_code == 403
    # GET is never refused for its (absent) body, and other paths are not the portal's
    assert client.get("/portal/", **big).status_code == 200
    passed = LimitPortalBody(lambda request: HttpResponse("on"))
    assert passed(RequestFactory().post("/login/", {"a": "b"}, **big)).status_code == 200


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), [
    ("", "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy configured: the header proves nothing
    ("10.0.0.0/8", "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from the proxy: ignored
    ("10.0.0.0/8", "10.0.0.2", "198.51.100.1", "198.51.100.1"),  # from the proxy: the client it names
    ("10.0.0.0/8", "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left part is the client's own
    ("10.0.0.0/8", "10.0.0.2", "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # two proxies
    ("10.0.0.0/8", "10.0.0.2", "garbage, 198.51.100.1", "198.51.100.1"),
    ("10.0.0.0/8", "10.0.0.2", "198.51.100.1, garbage", "10.0.0.2"),  # nothing trusted left of a bad hop
    ("10.0.0.0/8", "10.0.0.2", "", "10.0.0.2"),
    ("", "not an address", "", None),
])
def test_the_client_address_behind_trusted_proxies(proxies, remote, forwarded, expected):
    from django.conf import settings  # noqa: PLC0415

    request = RequestFactory().get("/portal/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(KONTORHAUS={**settings.KONTORHAUS, "TRUSTED_PROXIES": proxies}):
        assert client_ip(request) == expected
