"""PayPal webhooks: the asymmetric signature and `PAYMENT.CAPTURE.COMPLETED`.

PayPal signs `"<PAYPAL-TRANSMISSION-ID>|<PAYPAL-TRANSMISSION-TIME>|<our webhook id>|<CRC32 of
the raw body as unsigned decimal>"` with RSA-SHA256 (`PAYPAL-AUTH-ALGO: SHA256withRSA`); the
signature is base64 in `PAYPAL-TRANSMISSION-SIG`, and the key is in the X.509 certificate at
`PAYPAL-CERT-URL`. That URL is the sender's claim, so it must be https on a paypal.com host
before anything is fetched (else anyone could sign with a key of their own); the certificate is
fetched over verified TLS, must be valid now and issued to a paypal.com name, and is cached by
URL until it expires. Including our webhook id in the signed string binds a delivery to our
endpoint.

The signature covers only the CRC32 of the body, and a CRC32 can be matched by padding any
body; so a captured delivery's headers would sign a forged body, too. Two checks close that:
the signed PAYPAL-TRANSMISSION-TIME must be within TOLERANCE_SECONDS of our clock (either way),
and each transmission id is accepted for one body only (the views store it with the SHA-256 of
the body: the same transmission again is a repeat, with another body it is refused). A
replayed event is also recognised by its event id (`WH-…`) and changes nothing.
"""

import base64
import binascii
import datetime as dt
import threading
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from kontorhaus.flows.psp_payment import PspPayment

from .common import ParsedEvent, SignatureError, amount_from_string, currency_code, event_id, load_object, text

PROVIDER = "paypal"
ALGORITHM = "SHA256withRSA"
CAPTURE_COMPLETED = "PAYMENT.CAPTURE.COMPLETED"
HEADERS = ("PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-TIME", "PAYPAL-TRANSMISSION-SIG", "PAYPAL-CERT-URL",
           "PAYPAL-AUTH-ALGO")
SIGNATURE_HEADER = "PAYPAL-TRANSMISSION-SIG"
TOLERANCE_SECONDS = 300
CERT_MAX_BYTES = 64 * 1024
CACHE_SIZE = 16


def paypal_signed_message(*, transmission_id: str, transmission_time: str, webhook_id: str, payload: bytes) -> bytes:
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(payload) & 0xFFFFFFFF}".encode()


def paypal_host_allowed(url: str) -> bool:
    """https, on paypal.com or one of its subdomains, on the default port, without credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return (parts.scheme == "https" and (host == "paypal.com" or host.endswith(".paypal.com"))
            and port in (None, 443) and not parts.username and not parts.password)


class _PaypalRedirectsOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913 -- urllib's signature
        if not paypal_host_allowed(newurl):
            raise SignatureError("the certificate URL redirects off paypal.com")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_PaypalRedirectsOnly)


def https_get(url: str) -> bytes:
    """GET over TLS with certificate verification (urllib's default context), size-limited,
    following redirects only to PayPal hosts."""
    if not url.startswith("https://"):
        raise SignatureError("the certificate must be fetched over https")
    with _opener.open(url, timeout=10) as response:
        return response.read(CERT_MAX_BYTES + 1)


class CertificateStore:
    """PayPal's signing certificates by URL, fetched once and kept until they expire."""

    def __init__(self, fetch: Callable[[str], bytes] = https_get):
        self.fetch = fetch
        self._cache: dict[str, x509.Certificate] = {}
        self._lock = threading.Lock()

    def public_key(self, *, url: str, now: dt.datetime) -> rsa.RSAPublicKey:
        if not paypal_host_allowed(url):
            raise SignatureError("PAYPAL-CERT-URL must be an https URL on a paypal.com host")
        with self._lock:
            cert = self._cache.get(url)
        if cert is None or not _valid_at(cert, now):
            cert = self._load(url, now)
            with self._lock:
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.clear()
                self._cache[url] = cert
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureError("the certificate does not hold an RSA key")
        return key

    def _load(self, url: str, now: dt.datetime) -> x509.Certificate:
        try:
            pem = self.fetch(url)
        except OSError as error:
            raise SignatureError(f"the certificate could not be fetched: {str(error)[:100]}")
        if len(pem) > CERT_MAX_BYTES:
            raise SignatureError("the certificate is too large")
        try:
            cert = x509.load_pem_x509_certificates(pem)[0]  # the signing certificate comes first
        except ValueError:
            raise SignatureError("the certificate URL did not return a PEM certificate")
        if not _valid_at(cert, now):
            raise SignatureError("the certificate is expired or not valid yet")
        names = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        if not any(isinstance(n, str) and (n == "paypal.com" or n.endswith(".paypal.com")) for n in names):
            raise SignatureError("the certificate is not issued to a paypal.com name")
        return cert

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


certificates = CertificateStore()


def _valid_at(cert: x509.Certificate, now: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def paypal_signature_verify(*, payload: bytes, headers: Mapping[str, str], webhook_id: str, now: dt.datetime,
                            store: CertificateStore | None = None) -> None:
    values = {name: headers.get(name, "") for name in HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise SignatureError(f"missing header {', '.join(missing)}")
    if values["PAYPAL-AUTH-ALGO"] != ALGORITHM:
        raise SignatureError(f"PAYPAL-AUTH-ALGO must be {ALGORITHM}")
    _check_transmission_time(values["PAYPAL-TRANSMISSION-TIME"], now=now)
    try:
        signature = base64.b64decode(values["PAYPAL-TRANSMISSION-SIG"], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("PAYPAL-TRANSMISSION-SIG is not base64")
    key = (store or certificates).public_key(url=values["PAYPAL-CERT-URL"], now=now)
    message = paypal_signed_message(transmission_id=values["PAYPAL-TRANSMISSION-ID"],
                                    transmission_time=values["PAYPAL-TRANSMISSION-TIME"], webhook_id=webhook_id,
                                    payload=payload)
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("the signature does not match the body")


def _check_transmission_time(value: str, *, now: dt.datetime) -> None:
    sent = _time(value.strip())
    if sent is None:
        raise SignatureError("PAYPAL-TRANSMISSION-TIME is not a time with a time zone")
    if abs((now - sent).total_seconds()) > TOLERANCE_SECONDS:
        raise SignatureError(f"PAYPAL-TRANSMISSION-TIME is more than {TOLERANCE_SECONDS} s away from now")


def paypal_event_parse(payload: bytes) -> ParsedEvent:
    data = load_object(payload)
    external_id = event_id(data.get("id"), field="id")
    event_type = event_id(data.get("event_type"), field="event_type")
    if event_type != CAPTURE_COMPLETED:
        return ParsedEvent(external_id, event_type, ignored=f"{event_type} is not a payment we book")
    capture = data.get("resource")
    if not isinstance(capture, dict) or not text(capture.get("id"), limit=100):
        return ParsedEvent(external_id, event_type, parked="the event carries no capture")
    if capture.get("status") != "COMPLETED":
        return ParsedEvent(external_id, event_type, ignored=f"the capture's status is {capture.get('status')!r}")
    return _payment(external_id, event_type, capture)


def _payment(external_id: str, event_type: str, capture: dict[str, Any]) -> ParsedEvent:
    money = capture.get("amount") if isinstance(capture.get("amount"), dict) else {}
    code = currency_code(money.get("currency_code"))
    amount = amount_from_string(money.get("value"), code) if code else None
    if amount is None:
        return ParsedEvent(external_id, event_type,
                           parked=f"unreadable amount {money.get('value')!r} {money.get('currency_code')!r}"[:200])
    reference = text(capture.get("custom_id"), limit=127) or text(capture.get("invoice_id"), limit=127)
    payment = PspPayment(provider=PROVIDER, payment_id=capture["id"].strip(), reference=reference, amount=amount,
                         currency=code, method="paypal", received_at=_time(capture.get("create_time")))
    return ParsedEvent(external_id, event_type, payment=payment)


def _time(value: object) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None
