"""Test helpers for the PSP webhooks: the real fixture payloads (from ../shared/fixtures),
rewritten to name an order of ours and signed the way Stripe and PayPal sign them."""

import base64
import datetime as dt
import http.server
import json
import threading
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from kontorhaus.core import clock
from kontorhaus.integrations.psp.paypal import CertificateStore, paypal_signed_message
from kontorhaus.integrations.psp.stripe import stripe_signature

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures"
STRIPE_SECRET = "whsec_test_kontorhaus"  # noqa: S105 -- a test secret
PAYPAL_WEBHOOK_ID = "1JE4291016473214C"
PAYPAL_CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-kontorhaus-test"


def fixture_bytes(relative: str) -> bytes:
    path = FIXTURES / relative
    if not FIXTURES.is_dir():
        pytest.skip(f"needs the real PSP payloads in {FIXTURES} (the shared/ folder beside the repository)")
    return path.read_bytes()


def fixture_json(relative: str) -> dict:
    return json.loads(fixture_bytes(relative))


def compact(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


# --- Stripe -----------------------------------------------------------------------------------

def stripe_session_completed(*, reference: str | None, amount: int = 4488, currency: str = "eur",
                             paid: bool = True, in_metadata: bool = False, event_id: str = "") -> bytes:
    """The checkout.session.completed event of the fixtures, paid and naming our order."""
    event = fixture_json("00-signature-test-vectors/bodies/stripe-checkout.session.completed.compact.json")
    session = event["data"]["object"]
    session.update(amount_total=amount, currency=currency, payment_status="paid" if paid else "unpaid")
    if in_metadata:
        session["metadata"] = {"order_number": reference}
    else:
        session["client_reference_id"] = reference
    if event_id:
        event["id"] = event_id
    return compact(event)


def stripe_intent_succeeded(*, reference: str, amount: int = 4488, currency: str = "eur",
                            event_id: str = "evt_1Pgc76B7WZ01zgkWpiSucceeded") -> bytes:
    """The fixtures' event envelope around their payment intent (the one the session names),
    as payment_intent.succeeded."""
    event = fixture_json("08-payments/stripe/stripe-openapi-fixture__event.json")
    intent = fixture_json("08-payments/stripe/stripe-openapi-fixture__payment_intent.json")
    intent.update(status="succeeded", amount=amount, amount_received=amount, currency=currency,
                  metadata={"order_number": reference})
    event.update(id=event_id, type="payment_intent.succeeded", data={"object": intent})
    return compact(event)


def stripe_headers(payload: bytes, *, secret: str = STRIPE_SECRET, at: dt.datetime | None = None) -> dict[str, str]:
    timestamp = int((at or clock.now()).timestamp())
    return {"HTTP_STRIPE_SIGNATURE": stripe_signature(payload=payload, secret=secret, timestamp=timestamp)}


# --- PayPal -----------------------------------------------------------------------------------

def paypal_capture_completed(*, custom_id: str | None = None, invoice_id: str | None = None, value: str = "44.88",
                             currency: str = "EUR", event_id: str = "") -> bytes:
    """PayPal's documented PAYMENT.CAPTURE.COMPLETED sample, naming our order."""
    event = fixture_json("08-payments/paypal/paypal-docs-sample__PAYMENT.CAPTURE.COMPLETED.json")
    capture = event["resource"]
    capture["amount"] = {"currency_code": currency, "value": value}
    if custom_id is not None:
        capture["custom_id"] = custom_id
    if invoice_id is not None:
        capture["invoice_id"] = invoice_id
    if event_id:
        event["id"] = event_id
    return compact(event)


class PaypalSigner:
    """A key pair and a self-signed certificate standing in for PayPal's signing certificate."""

    def __init__(self, *, common_name: str = "messageverificationcerts.paypal.com"):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        now = dt.datetime.now(tz=dt.UTC)
        self.cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self.key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).sign(self.key, hashes.SHA256())
        )
        self.pem = self.cert.public_bytes(serialization.Encoding.PEM)

    def headers(self, payload: bytes, *, webhook_id: str = PAYPAL_WEBHOOK_ID, cert_url: str = PAYPAL_CERT_URL,
                transmission_id: str = "", at: dt.datetime | None = None) -> dict[str, str]:
        """PayPal's headers for one delivery: a new transmission id each time unless one is given."""
        transmission_id = transmission_id or str(uuid.uuid1())
        transmission_time = (at or clock.now()).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = paypal_signed_message(transmission_id=transmission_id, transmission_time=transmission_time,
                                        webhook_id=webhook_id, payload=payload)
        signature = self.key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        return {
            "HTTP_PAYPAL_TRANSMISSION_ID": transmission_id,
            "HTTP_PAYPAL_TRANSMISSION_TIME": transmission_time,
            "HTTP_PAYPAL_TRANSMISSION_SIG": base64.b64encode(signature).decode(),
            "HTTP_PAYPAL_CERT_URL": cert_url,
            "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA",
        }


def crc32_forge(body: bytes, *, like: bytes, positions: int = 64) -> bytes:
    """`body` with JSON whitespace appended (a space or a tab at each of `positions` places) so
    that its CRC32 equals that of `like`: what an attacker does to reuse PayPal's signature of
    `like`, which covers only the CRC32. CRC32 is affine over GF(2) for messages of one length,
    so the choice of tabs is a linear system of 32 equations."""
    base = body + b" " * positions
    target = zlib.crc32(base) ^ zlib.crc32(like)
    effects = []
    for i in range(positions):
        flipped = bytearray(base)
        flipped[len(body) + i] = 0x09  # tab instead of space
        effects.append(zlib.crc32(bytes(flipped)) ^ zlib.crc32(base))
    basis: dict[int, tuple[int, int]] = {}  # leading bit -> (effect, set of positions as bits)
    for i, effect in enumerate(effects):
        chosen = 1 << i
        while effect:
            top = effect.bit_length() - 1
            if top not in basis:
                basis[top] = (effect, chosen)
                break
            effect, chosen = effect ^ basis[top][0], chosen ^ basis[top][1]
    chosen, rest = 0, target
    while rest:
        top = rest.bit_length() - 1
        if top not in basis:
            raise ValueError("more positions are needed")
        rest, chosen = rest ^ basis[top][0], chosen ^ basis[top][1]
    padding = bytes(0x09 if chosen >> i & 1 else 0x20 for i in range(positions))
    forged = body + padding
    assert zlib.crc32(forged) == zlib.crc32(like)
    return forged


@contextmanager
def certificate_server(pem: bytes) -> Iterator[tuple[CertificateStore, list[str]]]:
    """A local HTTP server standing in for PayPal's certificate host (this machine cannot reach
    PayPal), and a certificate store that fetches the path of any PayPal URL from it. Yields the
    store and the list of URLs it fetched."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 -- http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/x-pem-file")
            self.end_headers()
            self.wfile.write(pem)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        with urlopen(f"http://127.0.0.1:{server.server_port}{urlsplit(url).path}", timeout=5) as response:
            return response.read()

    try:
        yield CertificateStore(fetch=fetch), fetched
    finally:
        server.shutdown()
        server.server_close()

