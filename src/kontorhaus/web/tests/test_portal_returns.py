"""The customer portal is safe to expose: signed links that expire and never open another
order, a lookup that is rate-limited and answers the same for an unknown order and a wrong
postal code, CSRF on every form, uploads checked by their bytes and size — and the withdrawal
and return registration work from a phone without a login."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kontorhaus.core import clock
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.models import PortalAttempt, ReturnPhoto, ReturnRequest, Withdrawal
from kontorhaus.returns.tests.factories import draft_for, shipped_order
from kontorhaus.sales.tests.factories import TESTER
from kontorhaus.web.portal_links import (
    LOOKUP_LIMIT_PER_IP,
    LOOKUP_LIMIT_PER_ORDER,
    ORDER,
    RETURN,
    TRACKING,
    WITHDRAWAL,
    LookupThrottled,
    portal_link_make,
    portal_link_read,
    portal_lookup,
    portal_token_make,
)

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def link(order, purpose=ORDER, days=7) -> str:
    return portal_link_make(order_number=order.number, purpose=purpose, max_age_days=days)


@pytest.fixture
def customer() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)


def csrf(client: Client, path: str) -> str:
    client.get(path)
    return client.cookies["csrftoken"].value


# --- links ----------------------------------------------------------------------------------


def test_a_link_reads_back_for_its_purpose_only_and_expires() -> None:
    token = portal_token_make(order_number="AU-2026-000001", purpose=ORDER, max_age_days=2)
    assert portal_link_read(token, purpose=ORDER) == "AU-2026-000001"
    assert portal_link_read(token, purpose=TRACKING) is None
    clock.freeze(clock.now() + dt.timedelta(days=2, seconds=1))
    try:
        assert portal_link_read(token, purpose=ORDER) is None
    finally:
        clock.unfreeze()


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
    lambda t: "x" + t,
    lambda t: "",
    lambda t: "a" * 600,
    lambda t: t.replace(":", ";"),
])
def test_tampered_tokens_read_nothing(mangle) -> None:
    token = portal_token_make(order_number="AU-2026-000001", purpose=ORDER, max_age_days=2)
    assert portal_link_read(mangle(token), purpose=ORDER) is None


def test_tampered_expired_and_foreign_purpose_links_answer_the_same_404(client: Client) -> None:
    order = shipped_order(1)
    good = link(order)
    tracking_only = link(order, TRACKING)
    expired_token = portal_token_make(order_number=order.number, purpose=ORDER, max_age_days=-1)
    for path in (good.replace("/o/", "/o/x"), f"/portal/o/{expired_token}/",
                 tracking_only.replace("tracking", "withdrawal/"), tracking_only.replace("tracking", "return/")):
        response = client.get(path)
        assert response.status_code == 404
        assert order.number not in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_token_for_order_a_never_shows_order_b(client: Client) -> None:
    a, b = shipped_order(1), shipped_order(1)
    token_a = link(a).split("/")[3]
    page = client.get(f"/portal/o/{token_a}/").content.decode()
    assert a.number in page and b.number not in page
    # B's return and withdrawal, named in A's URL, are not found
    withdrawal_b = Withdrawal.objects.create(order=b, declared_at=clock.now(), channel="portal", customer_name="B",
                                             customer_email="b@example.com", confirmation_queued_at=clock.now(),
                                             refund_due_on=clock.today(), actor="t")
    assert client.get(f"/portal/o/{token_a}/withdrawal/{withdrawal_b.reference}/").status_code == 404
    return_b = return_register_and_notify(draft=draft_for(b, (1, 1)), actor=TESTER)
    assert client.get(f"/portal/o/{token_a}/return/{return_b.number}/").status_code == 404
    assert client.get(f"/portal/o/{token_a}/return/{return_b.number}/label.pdf").status_code == 404


def test_portal_pages_are_never_cached_and_not_indexed(client: Client) -> None:
    order = shipped_order(1)
    for purpose in (ORDER, WITHDRAWAL, RETURN):
        response = client.get(link(order, purpose))
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"] or \
            "max-age=0" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Referrer-Policy"] == "same-origin"


# --- lookup ---------------------------------------------------------------------------------


def test_lookup_answers_the_same_for_unknown_order_and_wrong_postal_code(client: Client) -> None:
    order = shipped_order(1)
    unknown = client.post("/portal/", {"order_number": "AU-2099-999999", "postal_code": "99999"})
    wrong = client.post("/portal/", {"order_number": order.number, "postal_code": "99999"})
    assert unknown.status_code == wrong.status_code == 200

    def page(response, number: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(number, "N"))

    assert page(unknown, "AU-2099-999999") == page(wrong, order.number)
    right = client.post("/portal/", {"order_number": f" {order.number.lower()} ", "postal_code": "10 115"})
    assert right.status_code == 302 and right["Location"].startswith("/portal/o/")
    assert portal_link_read(right["Location"].split("/")[3], purpose=ORDER) == order.number


def test_lookup_is_rate_limited_per_order_number_and_per_ip() -> None:
    order = shipped_order(1)
    for _ in range(LOOKUP_LIMIT_PER_ORDER):
        assert portal_lookup(order_number=order.number, postal_code="00000", client_ip="10.0.0.1") is None
    with pytest.raises(LookupThrottled):  # even the right code, from another client: the order is locked
        portal_lookup(order_number=order.number, postal_code="10115", client_ip="10.0.0.2")
    for i in range(LOOKUP_LIMIT_PER_IP):
        portal_lookup(order_number=f"AU-X-{i}", postal_code="1", client_ip="10.0.0.3")
    with pytest.raises(LookupThrottled):
        portal_lookup(order_number="AU-Y", postal_code="1", client_ip="10.0.0.3")
    assert not PortalAttempt.objects.filter(key__contains="10.0.0").exists()  # only hashes are stored


def test_throttled_lookup_page_says_so_with_429(client: Client) -> None:
    for _ in range(LOOKUP_LIMIT_PER_ORDER):
        client.post("/portal/", {"order_number": "AU-2026-000777", "postal_code": "1"})
    response = client.post("/portal/", {"order_number": "AU-2026-000777", "postal_code": "1"})
    assert response.status_code == 429


@pytest.mark.parametrize("data", [{}, {"order_number": "A" * 500, "postal_code": "1"},
                                  {"order_number": "AU-1", "postal_code": "1" * 100}])
def test_malformed_lookups_are_form_errors(client: Client, data: dict) -> None:
    response = client.post("/portal/", data)
    assert response.status_code == 200 and b"form-errors" not in response.content or b"error" in response.content
    assert not PortalAttempt.objects.exists()


# --- withdrawal -----------------------------------------------------------------------------


def test_withdrawal_button_then_confirmation_then_receipt(customer: Client) -> None:
    order = shipped_order(2)
    start = link(order, WITHDRAWAL)
    page = customer.get(start).content.decode()
    assert "Withdraw from contract" in page
    confirm = start + "confirm/"
    form = customer.get(confirm).content.decode()
    assert "Confirm withdrawal" in form and order.number in form
    token = customer.cookies["csrftoken"].value
    response = customer.post(confirm, {"csrfmiddlewaretoken": token, "customer_name": "Erika Mustermann",
                                       "customer_email": "erika@example.com", "scope": "all", "statement": ""})
    assert response.status_code == 302
    done = customer.get(response["Location"]).content.decode()
    assert "Withdrawal received" in done
    assert Withdrawal.objects.get(order=order).channel == "portal"
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation", to="erika@example.com").count() == 1


def test_withdrawal_without_csrf_is_refused_and_changes_nothing(customer: Client) -> None:
    order = shipped_order(1)
    response = customer.post(link(order, WITHDRAWAL) + "confirm/", {
        "customer_name": "Erika", "customer_email": "erika@example.com", "scope": "all"})
    assert response.status_code == 403
    assert not Withdrawal.objects.exists()


@pytest.mark.parametrize("data", [
    {"customer_name": "", "customer_email": "erika@example.com", "scope": "all"},
    {"customer_name": "Erika", "customer_email": "nope", "scope": "all"},
    {"customer_name": "Erika", "customer_email": "erika@example.com", "scope": "some"},
    {"customer_name": "Erika", "customer_email": "erika@example.com", "scope": "some", "item_1": "99"},
    {"customer_name": "Erika", "customer_email": "erika@example.com", "scope": "maybe"},
])
def test_bad_withdrawal_forms_change_nothing(client: Client, data: dict) -> None:
    order = shipped_order(1)
    response = client.post(link(order, WITHDRAWAL) + "confirm/", data)
    assert response.status_code == 200
    assert not Withdrawal.objects.exists()


def test_double_submitted_withdrawal_is_one(client: Client) -> None:
    order = shipped_order(1)
    data = {"customer_name": "Erika", "customer_email": "erika@example.com", "scope": "all"}
    first = client.post(link(order, WITHDRAWAL) + "confirm/", data)
    second = client.post(link(order, WITHDRAWAL) + "confirm/", data)
    assert first["Location"] == second["Location"]
    assert Withdrawal.objects.count() == 1
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation").count() == 1


# --- return registration --------------------------------------------------------------------


def test_return_registration_shows_instructions_without_a_carrier(client: Client) -> None:
    order = shipped_order(2)
    response = client.post(link(order, RETURN), {"qty_1": "1", "reason_1": "does_not_fit"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    created = ReturnRequest.objects.get()
    assert created.number in page and "return-instructions" in page
    assert OutgoingEmail.objects.filter(template="return_registered", related_ref=created.number).count() == 1


def test_a_damaged_item_with_a_real_photo(client: Client) -> None:
    order = shipped_order(1)
    response = client.post(link(order, RETURN), {
        "qty_1": "1", "reason_1": "damaged", "photos_1": SimpleUploadedFile("x.jpg", JPEG, "image/jpeg")})
    assert response.status_code == 302
    assert ReturnPhoto.objects.get().content_type == "image/jpeg"


@pytest.mark.parametrize(("files", "status"), [
    ([SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script>", "image/jpeg")], 200),
    ([SimpleUploadedFile("x.jpg", b"\xff\xd8\xff" + b"\x00" * (8 * 1024 * 1024), "image/jpeg")], 200),
    ([SimpleUploadedFile(f"{i}.jpg", JPEG, "image/jpeg") for i in range(6)], 200),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(client: Client, files: list, status: int) -> None:
    order = shipped_order(1)
    response = client.post(link(order, RETURN), {"qty_1": "1", "reason_1": "damaged", "photos_1": files})
    assert response.status_code == status
    assert b"form-errors" in response.content
    assert not ReturnRequest.objects.exists() and not ReturnPhoto.objects.exists()


def test_an_oversized_body_is_refused_before_it_is_read(client: Client) -> None:
    order = shipped_order(1)
    response = client.post(link(order, RETURN), {"qty_1": "1"}, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize("data", [{}, {"qty_1": "2", "reason_1": "other"}, {"qty_1": "-1", "reason_1": "other"},
                                  {"qty_1": "1", "reason_1": "because"}, {"qty_1": "1"}, {"qty_9": "1"}])
def test_bad_return_forms_change_nothing(client: Client, data: dict) -> None:
    order = shipped_order(1)
    response = client.post(link(order, RETURN), data)
    assert response.status_code == 200
    assert not ReturnRequest.objects.exists()


def test_registering_the_same_items_again_is_refused(client: Client) -> None:
    order = shipped_order(1)
    data = {"qty_1": "1", "reason_1": "other"}
    assert client.post(link(order, RETURN), data).status_code == 302
    again = client.post(link(order, RETURN), data)
    assert again.status_code == 200 and ReturnRequest.objects.count() == 1
    assert b"nothing-to-return" in again.content or b"form-errors" in again.content
