"""Back-office return pages: scanning receives, inspection moves stock, approval issues the
credit note once; a return by hand for several orders and goods without an order; withdrawals
typed in; bad input is a message and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from kontorhaus.billing.models import CreditNote
from kontorhaus.core import clock
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.inventory.models import StockMove
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.models import ReturnRequest, Withdrawal
from kontorhaus.returns.services_photos import PhotoUpload
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.returns.tests.factories import draft_for, shipped_order
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db


def registered(order, *lines):
    return return_register_and_notify(draft=draft_for(order, *lines), actor=TESTER)


def test_pages_need_a_login(client: Client) -> None:
    for path in ("/returns/", "/returns/new/", "/returns/withdrawals/", "/returns/rates/", "/returns/settings/"):
        assert client.get(path).status_code == 302


def test_list_pages_render(client_in: Client) -> None:
    order = shipped_order(1)
    created = registered(order, (1, 1))
    for path in ("/returns/", "/returns/?status=all&q=RT", "/returns/withdrawals/", "/returns/rates/",
                 "/returns/settings/", f"/returns/{created.number}/"):
        assert client_in.get(path).status_code == 200, path
    assert created.number in client_in.get("/returns/").content.decode()


def test_scan_order_number_receives_then_inspection_and_approval(client_in: Client) -> None:
    order = shipped_order(2)
    created = registered(order, (1, 2))
    response = client_in.post("/returns/scan/", {"code": order.number})
    assert response["Location"] == f"/returns/{created.number}/"
    assert ReturnRequest.objects.get(pk=created.pk).status == ReturnStatus.RECEIVED
    page = client_in.get(response["Location"]).content.decode()
    assert "inspect-form" in page
    response = client_in.post(f"/returns/{created.number}/inspect/", {
        "condition_1": "resellable", "disposition_1": "restocked", "bin_1": "", "loss_1": "1.00"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.status == ReturnStatus.REFUND_PROPOSED
    assert StockMove.objects.filter(reference=created.number, reason="return").count() == 1
    client_in.post(f"/returns/{created.number}/approve/")
    client_in.post(f"/returns/{created.number}/approve/")
    created.refresh_from_db()
    assert created.status == ReturnStatus.REFUNDED
    assert CreditNote.objects.filter(order_number=order.number, kind="partial").count() == 1
    assert created.refund_total == order.lines.get(position=1).gross + Decimal("4.90") - Decimal("1.00")


@pytest.mark.parametrize("code", ["", "NOPE-123", "x" * 65, "RT-<script>"])
def test_bad_scans_are_messages(client_in: Client, code: str) -> None:
    created = registered(shipped_order(1), (1, 1))
    response = client_in.post("/returns/scan/", {"code": code}, follow=True)
    assert response.status_code == 200
    assert ReturnRequest.objects.get(pk=created.pk).status == ReturnStatus.REGISTERED


@pytest.mark.parametrize("data", [
    {},
    {"condition_1": "resellable", "disposition_1": "written_off"},
    {"condition_1": "resellable", "disposition_1": "restocked", "bin_1": "NO-SUCH-BIN"},
    {"condition_1": "damaged", "disposition_1": "written_off", "loss_1": "-5"},
    {"condition_1": "damaged", "disposition_1": "written_off", "loss_1": "abc"},
    {"condition_1": "melted", "disposition_1": "written_off"},
])
def test_bad_inspections_change_nothing(client_in: Client, data: dict) -> None:
    order = shipped_order(1)
    created = registered(order, (1, 1))
    client_in.post("/returns/scan/", {"code": created.number})
    response = client_in.post(f"/returns/{created.number}/inspect/", data)
    assert response.status_code == 422
    assert ReturnRequest.objects.get(pk=created.pk).status == ReturnStatus.RECEIVED
    assert not StockMove.objects.filter(reference=created.number).exists()


def test_manual_return_for_two_orders_and_loose_goods(client_in: Client) -> None:
    a, b = shipped_order(1), shipped_order(2)
    make_article(sku="LOOSE-1")
    response = client_in.post("/returns/new/", {"lines": f"{a.number}/1 1 other\n{b.number}/1 2 damaged\n"
                                                         "LOOSE-1 1 wrong_item", "customer_name": "Händler"})
    assert response.status_code == 302
    created = ReturnRequest.objects.get()
    assert [line.quantity for line in created.lines.all()] == [1, 2, 1]


@pytest.mark.parametrize("lines", ["", "AU-1/1 1 other", "NOSKU 1 other", "LOOSE-1 x other", "LOOSE-1 1 meh",
                                   "LOOSE-1 1", "LOOSE-1 0 other", "\x00"])
def test_bad_manual_returns_change_nothing(client_in: Client, lines: str) -> None:
    make_article(sku="LOOSE-1")
    response = client_in.post("/returns/new/", {"lines": lines})
    assert response.status_code == 200
    assert not ReturnRequest.objects.exists()


def test_withdrawal_typed_in_from_a_letter_is_confirmed(client_in: Client) -> None:
    order = shipped_order(1)
    response = client_in.post("/returns/withdrawals/new/", {
        "order": order.number, "customer_name": "Erika", "customer_email": "erika@example.com", "scope": "all",
        "channel": "letter"})
    assert response.status_code == 302
    assert Withdrawal.objects.get().channel == "letter"
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation").count() == 1


@pytest.mark.parametrize("data", [{"order": "AU-0000-000000"}, {"channel": "pigeon"}, {"customer_email": "x"}])
def test_bad_typed_in_withdrawals_change_nothing(client_in: Client, data: dict) -> None:
    order = shipped_order(1)
    body = {"order": order.number, "customer_name": "Erika", "customer_email": "erika@example.com", "scope": "all",
            "channel": "letter", **data}
    response = client_in.post("/returns/withdrawals/new/", body)
    assert response.status_code in (200, 422)
    assert not Withdrawal.objects.exists()


def test_settings_are_for_staff(client_in: Client, user) -> None:
    user.is_staff = False
    user.save()
    data = {"return_shipping_paid_by": "customer", "return_shipping_fee": "5.00", "refund_alert_days": "3",
            "quarantine_warehouse": "QUARANTINE", "standard_delivery_gross": ""}
    assert client_in.post("/returns/settings/", data).status_code == 404
    user.is_staff = True
    user.save()
    assert client_in.post("/returns/settings/", data).status_code == 302
    assert client_in.post("/returns/settings/", {**data, "quarantine_warehouse": "../x"}).status_code == 200


def test_photo_is_served_with_its_type_and_no_sniffing(client_in: Client) -> None:
    order = shipped_order(1)
    created = return_register_and_notify(draft=draft_for(order, (1, 1), reason="damaged", photos=(
        PhotoUpload("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 10),)), actor=TESTER)
    photo = created.lines.get().photos.get()
    response = client_in.get(f"/returns/{created.number}/photos/{photo.pk}")
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client_in.get(f"/returns/RT-OTHER/photos/{photo.pk}").status_code == 404


def test_a_late_withdrawal_is_marked_late_in_the_list_and_the_api(client_in: Client, api_client) -> None:
    # given a withdrawal typed in from a letter that arrived long after the 14 days
    order = shipped_order(1)
    clock.freeze(clock.now() + dt.timedelta(days=40))
    try:
        response = client_in.post("/returns/withdrawals/new/", {
            "order": order.number, "customer_name": "Erika", "customer_email": "erika@example.com", "scope": "all",
            "channel": "letter"})
    finally:
        clock.unfreeze()
    # then it is recorded and confirmed, marked late, with no refund deadline
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.late and withdrawal.refund_due_on is None
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation").exists()
    page = client_in.get("/returns/withdrawals/").content.decode()
    assert "Late" in page and "Overdue" not in page
    (row,) = api_client.get("/api/v1/withdrawals?status=all").json()
    assert row["late"] is True and row["refund_due_on"] is None
