"""POST /webhooks/paypal with PayPal's documented PAYMENT.CAPTURE.COMPLETED sample, naming our
order and signed with RSA-SHA256 by a test key whose certificate a local server hands out at a
paypal.com URL (this machine cannot reach PayPal)."""

import datetime as dt
import json
import zlib
from decimal import Decimal

import pytest

from kontorhaus.billing.models import Payment
from kontorhaus.core import clock
from kontorhaus.integrations.models import InboundDelivery, InboundEvent
from kontorhaus.integrations.psp import paypal
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import place_order

from .psp import PaypalSigner, certificate_server, compact, crc32_forge, fixture_bytes, paypal_capture_completed

URL = "/webhooks/paypal"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secrets")]


def post(client, payload: bytes, headers: dict):
    return client.post(URL, data=payload, content_type="application/json", **headers)


def payment_state(order) -> str:
    return SalesOrder.objects.get(pk=order.order.pk).payment_state


def test_a_completed_capture_books_the_payment_and_the_order_is_paid(client, order, paypal_signer,
                                                                       paypal_certificates):
    # given the documented capture, naming our order in custom_id
    payload = paypal_capture_completed(custom_id=order.order.number)
    # when PayPal delivers it
    response = post(client, payload, paypal_signer.headers(payload))
    # then the capture is booked and the order is paid
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processed"
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.method, payment.external_id) == (
        Decimal("44.88"), "EUR", "paypal", "paypal:27M47624FP291604U")
    assert payment_state(order) == "paid"
    event = InboundEvent.objects.get()
    assert (event.provider, event.external_id, event.status) == (
        "paypal", "WH-58D329510W468432D-8HN650336L201105X", "processed")
    assert event.body.encode() == payload
    assert paypal_certificates == ["https://api.paypal.com/v1/notifications/certs/"
                                   "CERT-360caa42-fca2a594-kontorhaus-test"]


def test_the_invoice_id_names_the_order_when_there_is_no_custom_id(client, order, paypal_signer,
                                                                     paypal_certificates):
    payload = paypal_capture_completed(invoice_id=order.invoice.number)
    assert post(client, payload, paypal_signer.headers(payload)).json()["status"] == "processed"
    assert payment_state(order) == "paid"


def test_the_certificate_is_fetched_once_and_then_cached(client, order, paypal_signer, paypal_certificates):
    for i in range(3):
        payload = paypal_capture_completed(custom_id=order.order.number, value="10.00", event_id=f"WH-{i}")
        payload = payload.replace(b'"id":"27M47624FP291604U"', f'"id":"CAPTURE{i}"'.encode())
        assert post(client, payload, paypal_signer.headers(payload)).status_code == 200
    assert len(paypal_certificates) == 1
    assert Payment.objects.count() == 3


@pytest.mark.parametrize("case", ["other key", "tampered body", "other webhook id", "missing header",
                                  "other algorithm", "not base64"])
def test_a_delivery_without_a_valid_signature_is_refused_and_changes_nothing(client, order, paypal_signer,
                                                                               paypal_certificates, case):
    payload = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(payload)
    if case == "other key":
        headers = PaypalSigner().headers(payload)  # a key whose certificate is not the one at the URL
    elif case == "tampered body":
        payload = payload.replace(b'"value":"44.88"', b'"value":"99.88"')
    elif case == "other webhook id":
        headers = paypal_signer.headers(payload, webhook_id="SOMEONE-ELSES-WEBHOOK")
    elif case == "missing header":
        del headers["HTTP_PAYPAL_TRANSMISSION_SIG"]
    elif case == "other algorithm":
        headers["HTTP_PAYPAL_AUTH_ALGO"] = "SHA1withRSA"
    elif case == "not base64":
        headers["HTTP_PAYPAL_TRANSMISSION_SIG"] = "%%%"
    response = post(client, payload, headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert InboundEvent.objects.count() == Payment.objects.count() == 0
    assert payment_state(order) == "unpaid"


@pytest.mark.parametrize("cert_url", [
    "https://attacker.example/cert.pem",
    "https://paypal.com.attacker.example/cert.pem",
    "https://notpaypal.com/cert.pem",
    "http://api.paypal.com/v1/notifications/certs/CERT-1",
    "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
    "https://user@api.paypal.com/v1/notifications/certs/CERT-1",
    "file:///etc/ssl/certs/ca-certificates.crt",
])
def test_a_certificate_url_off_paypal_is_refused_without_fetching_it(client, order, paypal_signer,
                                                                     paypal_certificates, cert_url):
    payload = paypal_capture_completed(custom_id=order.order.number)
    response = post(client, payload, paypal_signer.headers(payload, cert_url=cert_url))
    assert response.status_code == 400
    assert "paypal.com" in response.json()["message"]
    assert paypal_certificates == []
    assert InboundEvent.objects.count() == 0


def test_a_certificate_not_issued_to_paypal_is_refused(client, order, monkeypatch):
    impostor = PaypalSigner(common_name="attacker.example")
    with certificate_server(impostor.pem) as (store, _):
        monkeypatch.setattr(paypal, "certificates", store)
        payload = paypal_capture_completed(custom_id=order.order.number)
        response = post(client, payload, impostor.headers(payload))
    assert response.status_code == 400
    assert "not issued to a paypal.com name" in response.json()["message"]


def test_a_replayed_event_is_acknowledged_and_changes_nothing(client, order, paypal_signer, paypal_certificates):
    payload = paypal_capture_completed(custom_id=order.order.number)
    post(client, payload, paypal_signer.headers(payload))
    response = post(client, payload, paypal_signer.headers(payload, transmission_id="another-transmission"))
    assert response.status_code == 200
    assert response.json()["status"] == "duplicate"
    assert Payment.objects.count() == InboundEvent.objects.count() == 1


def test_an_unknown_order_and_another_currency_are_parked(client, order, paypal_signer, paypal_certificates):
    unknown = paypal_capture_completed(custom_id="AU-2026-999999", event_id="WH-UNKNOWN")
    dollars = paypal_capture_completed(custom_id=order.order.number, currency="USD", event_id="WH-USD")
    answers = [post(client, p, paypal_signer.headers(p)).json() for p in (unknown, dollars)]
    assert [a["status"] for a in answers] == ["parked", "parked"]
    assert answers[0]["reason"] == "unknown order reference 'AU-2026-999999'"
    assert answers[1]["reason"] == f"paid 44.88 USD, but order {order.order.number} is in EUR"
    assert Payment.objects.count() == 0
    assert payment_state(order) == "unpaid"


def test_the_documented_sample_as_it_is_names_no_order_and_is_parked(client, order, paypal_signer,
                                                                       paypal_certificates):
    # PayPal's sample has neither custom_id nor invoice_id (and is in USD)
    payload = paypal_capture_completed()
    answer = post(client, payload, paypal_signer.headers(payload)).json()
    assert answer["status"] == "parked"
    assert "names no order" in answer["reason"]


def test_a_partial_capture_leaves_the_order_partially_paid(client, order, paypal_signer, paypal_certificates):
    payload = paypal_capture_completed(custom_id=order.order.number, value="20.00")
    post(client, payload, paypal_signer.headers(payload))
    assert payment_state(order) == "partially_paid"


@pytest.mark.parametrize("value", ["44.888", "-44.88", "0.00", "abc", 44.88])
def test_an_unreadable_amount_is_parked(client, order, paypal_signer, paypal_certificates, value):
    payload = paypal_capture_completed(custom_id=order.order.number)
    payload = payload.replace(b'"value":"44.88"', b'"value":' + (f'"{value}"' if isinstance(value, str)
                                                                 else str(value)).encode(), 1)
    answer = post(client, payload, paypal_signer.headers(payload)).json()
    assert answer["status"] == "parked"
    assert "unreadable amount" in answer["reason"]
    assert Payment.objects.count() == 0


def test_other_event_types_are_ignored(client, paypal_signer, paypal_certificates, db):
    payload = fixture_bytes("08-payments/paypal/paypal-docs-sample__PAYMENT.CAPTURE.REFUNDED.json")
    answer = post(client, payload, paypal_signer.headers(payload)).json()
    assert answer["status"] == "ignored"
    assert InboundEvent.objects.get().status == "ignored"


def test_a_malformed_body_with_a_valid_signature_is_refused_and_nothing_is_stored(client, paypal_signer,
                                                                                   paypal_certificates, db):
    payload = b'{"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", '
    response = post(client, payload, paypal_signer.headers(payload))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payload"
    assert InboundEvent.objects.count() == 0


def test_without_a_configured_webhook_id_the_endpoint_answers_503(client, settings, paypal_signer, db):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "PAYPAL_WEBHOOK_ID": ""}
    payload = paypal_capture_completed(custom_id="AU-2026-000001")
    assert post(client, payload, paypal_signer.headers(payload)).status_code == 503


# --- replays of a captured delivery (review finding 3) -----------------------------------------

def _forged(genuine: bytes, *, custom_id: str) -> bytes:
    """Another event, capture and order in a body padded to the genuine body's CRC32."""
    event = json.loads(genuine)
    event["id"] = "WH-FORGED-0000000000000000"
    event["resource"].update(id="FORGEDCAPTURE0001", custom_id=custom_id)
    return crc32_forge(compact(event), like=genuine)


@pytest.fixture
def victim(order):
    """A second unpaid order of 44.88 (the one the attacker wants to see paid)."""
    return place_order()


def test_a_forged_body_under_a_genuine_deliverys_headers_books_nothing(client, order, victim, paypal_signer,
                                                                       paypal_certificates):
    # given a genuine delivery for our order, processed
    genuine = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(genuine)
    assert post(client, genuine, headers).json()["status"] == "processed"
    # when its headers are posted again with a new body for another order, padded to the same CRC32
    forged = _forged(genuine, custom_id=victim.order.number)
    assert zlib.crc32(forged) == zlib.crc32(genuine) and forged != genuine
    response = post(client, forged, headers)
    # then it is refused, nothing is stored or booked, and the victim's order stays unpaid
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "transmission_reused"
    assert Payment.objects.count() == InboundEvent.objects.count() == InboundDelivery.objects.count() == 1
    assert payment_state(victim) == "unpaid"


def test_a_forged_body_under_the_headers_of_a_repeated_delivery_books_nothing(client, order, victim, paypal_signer,
                                                                              paypal_certificates):
    # given a genuine event, and PayPal delivering it again with a new transmission (acknowledged)
    genuine = paypal_capture_completed(custom_id=order.order.number)
    post(client, genuine, paypal_signer.headers(genuine))
    repeat_headers = paypal_signer.headers(genuine)
    assert post(client, genuine, repeat_headers).json()["status"] == "duplicate"
    # when the repeat's headers carry a forged body, then that transmission is refused too
    response = post(client, _forged(genuine, custom_id=victim.order.number), repeat_headers)
    assert response.status_code == 400
    assert Payment.objects.count() == 1
    assert payment_state(victim) == "unpaid"


def test_the_same_transmission_with_the_same_body_is_a_repeat(client, order, paypal_signer, paypal_certificates):
    # PayPal's retries may carry the transmission id again: acknowledged, booked once
    payload = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(payload)
    answers = [post(client, payload, headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["status"] for a in answers] == ["processed", "duplicate"]
    assert Payment.objects.count() == InboundEvent.objects.count() == 1


@pytest.mark.parametrize("seconds", [-302, 302, -3600 * 24 * 30])  # the header has whole seconds
def test_a_transmission_time_more_than_300_seconds_away_is_refused(client, order, paypal_signer,
                                                                   paypal_certificates, seconds):
    payload = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(payload, at=clock.now() + dt.timedelta(seconds=seconds))
    response = post(client, payload, headers)
    assert response.status_code == 400
    assert "PAYPAL-TRANSMISSION-TIME" in response.json()["message"]
    assert InboundEvent.objects.count() == Payment.objects.count() == 0


@pytest.mark.parametrize("seconds", [-298, 298])
def test_a_transmission_time_within_300_seconds_is_accepted(client, order, paypal_signer, paypal_certificates,
                                                            seconds):
    payload = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(payload, at=clock.now() + dt.timedelta(seconds=seconds))
    assert post(client, payload, headers).json()["status"] == "processed"


def test_a_captured_delivery_is_refused_once_its_time_has_passed(client, order, victim, paypal_signer,
                                                                 paypal_certificates):
    # given the headers of a delivery PayPal sent ten minutes ago (never seen by us)
    genuine = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(genuine, at=clock.now() - dt.timedelta(minutes=10))
    # when they are posted with a forged body, then it is refused for its time
    response = post(client, _forged(genuine, custom_id=victim.order.number), headers)
    assert response.status_code == 400 and "PAYPAL-TRANSMISSION-TIME" in response.json()["message"]
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("value", ["yesterday", "2026-01-01T10:00:00"])
def test_an_unreadable_or_zoneless_transmission_time_is_refused(client, order, paypal_signer, paypal_certificates,
                                                                value):
    payload = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(payload)
    headers["HTTP_PAYPAL_TRANSMISSION_TIME"] = value
    assert post(client, payload, headers).status_code == 400


def test_the_signature_is_not_stored_with_the_event(client, order, paypal_signer, paypal_certificates):
    payload = paypal_capture_completed(custom_id=order.order.number)
    headers = paypal_signer.headers(payload)
    post(client, payload, headers)
    stored = InboundEvent.objects.get().headers
    assert "PAYPAL-TRANSMISSION-SIG" not in stored
    assert stored["PAYPAL-TRANSMISSION-ID"] == headers["HTTP_PAYPAL_TRANSMISSION_ID"]
