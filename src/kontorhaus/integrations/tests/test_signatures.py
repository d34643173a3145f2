"""The signature schemes against the self-computed vectors in ../shared/fixtures
(00-signature-test-vectors): the exact bytes, the published header, the clock pinned."""

import datetime as dt
import json
import urllib.request
import zlib

import pytest

from kontorhaus.core import clock
from kontorhaus.integrations.psp import paypal
from kontorhaus.integrations.psp.common import SignatureError
from kontorhaus.integrations.psp.paypal import https_get, paypal_host_allowed, paypal_signed_message
from kontorhaus.integrations.psp.stripe import stripe_event_parse, stripe_signature, stripe_signature_verify

from .psp import fixture_bytes

VECTORS = "00-signature-test-vectors/vectors.json"


def vector(vendor: str) -> tuple[dict, bytes]:
    entry = next(v for v in json.loads(fixture_bytes(VECTORS)) if v["vendor"] == vendor)
    return entry, fixture_bytes(f"00-signature-test-vectors/{entry['body_file']}")


@pytest.fixture
def frozen():
    yield clock.freeze
    clock.unfreeze()


def test_the_stripe_vector_verifies_within_the_tolerance_and_not_after_it(frozen):
    entry, body = vector("stripe")
    signed_at = dt.datetime.fromtimestamp(1700000000, tz=dt.UTC)
    assert stripe_signature(payload=body, secret=entry["secret"], timestamp=1700000000) == entry["value"]
    frozen(signed_at + dt.timedelta(seconds=300))
    stripe_signature_verify(payload=body, header=entry["value"], secret=entry["secret"], now=clock.now())
    frozen(signed_at + dt.timedelta(seconds=301))
    with pytest.raises(SignatureError, match="300 s"):
        stripe_signature_verify(payload=body, header=entry["value"], secret=entry["secret"], now=clock.now())


def test_the_stripe_vector_fails_on_one_changed_byte(frozen):
    entry, body = vector("stripe")
    frozen(dt.datetime.fromtimestamp(1700000000, tz=dt.UTC))
    with pytest.raises(SignatureError, match="no v1 signature matches"):
        stripe_signature_verify(payload=body + b" ", header=entry["value"], secret=entry["secret"], now=clock.now())


def test_the_stripe_vector_body_is_an_unpaid_session_naming_its_payment_intent():
    _, body = vector("stripe")
    parsed = stripe_event_parse(body)
    assert (parsed.external_id, parsed.event_type, parsed.payment) == (
        "evt_1Pgc76B7WZ01zgkWwyRHS12y", "checkout.session.completed", None)
    assert "unpaid" in parsed.ignored


def test_the_paypal_signed_message_matches_the_vector():
    entry, body = vector("paypal")
    assert zlib.crc32(body) & 0xFFFFFFFF == entry["crc32_decimal_of_body"]
    transmission_id, transmission_time, webhook_id, _ = entry["example_signed_string"].split("|")
    message = paypal_signed_message(transmission_id=transmission_id, transmission_time=transmission_time,
                                    webhook_id=webhook_id, payload=body)
    assert message == entry["example_signed_string"].encode()


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://api.paypal.com/v1/notifications/certs/CERT-1", True),
    ("https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1", True),
    ("https://PAYPAL.COM/cert", True),
    ("https://api.paypal.com:443/cert", True),
    ("http://api.paypal.com/cert", False),
    ("https://api.paypal.com.evil.example/cert", False),
    ("https://evilpaypal.com/cert", False),
    ("https://api.paypal.com@evil.example/cert", False),
    ("https://api.paypal.com:99999/cert", False),
    ("", False),
])
def test_only_https_urls_on_paypal_hosts_are_fetched(url, allowed):
    assert paypal_host_allowed(url) is allowed


def test_https_get_refuses_plain_http_before_connecting():
    with pytest.raises(SignatureError, match="https"):
        https_get("http://127.0.0.1:9/cert.pem")


def test_the_certificate_fetch_follows_redirects_only_to_paypal_hosts():
    handler = paypal._PaypalRedirectsOnly()
    request = urllib.request.Request("https://api.paypal.com/v1/notifications/certs/CERT-1")
    with pytest.raises(SignatureError, match="redirects off paypal.com"):
        handler.redirect_request(request, None, 302, "Found", {}, "https://attacker.example/cert.pem")
    assert handler.redirect_request(request, None, 302, "Found", {},
                                    "https://api.sandbox.paypal.com/cert.pem").full_url.endswith("/cert.pem")
