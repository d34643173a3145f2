"""Withdrawals, registration, photos, inspection with its stock moves, and the deadline alert —
and hostile or duplicate input refused with a clear error and nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest

from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_refund import return_refund_approve
from kontorhaus.flows.return_registered import return_label_fetch, return_register_and_notify
from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.inventory.models import StockLevel, StockMove, Warehouse
from kontorhaus.inventory.services_returns import quarantine_location
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.models import ReturnPhoto, ReturnRequest, Withdrawal
from kontorhaus.returns.services import (
    ReturnDraft,
    ReturnLineDraft,
    WithdrawalDeclaration,
    return_policy_update,
    returnable_quantities,
)
from kontorhaus.returns.services_deadlines import withdrawal_deadline_alert
from kontorhaus.returns.services_inspection import LineInspection, return_cancel
from kontorhaus.returns.services_photos import MAX_BYTES, PhotoUpload
from kontorhaus.returns.states import Channel, ReturnStatus
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

from .factories import draft_for, refresh, shipped_order

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def declare(order, **kwargs):
    data = {"customer_name": "Erika Mustermann", "customer_email": "erika@example.com", "channel": Channel.PORTAL,
            **kwargs}
    return withdrawal_declare(order=order, declaration=WithdrawalDeclaration(**data), actor=TESTER)


# --- withdrawals ----------------------------------------------------------------------------


def test_withdrawal_queues_one_confirmation_with_content_and_time_and_a_repeat_is_the_same() -> None:
    order = shipped_order(2, 1)
    first, created = declare(order, items=((1, 1),), statement="Passt nicht")
    again, created_again = declare(order, items=((1, 1),), statement="Passt nicht")
    assert created and not created_again and again.pk == first.pk
    emails = OutgoingEmail.objects.filter(template="withdrawal_confirmation", order_number=order.number)
    assert emails.count() == 1
    body = emails.get().body_text
    assert order.number in body and "Passt nicht" in body and "Erika Mustermann" in body
    assert first.refund_due_on == clock.local_date(first.declared_at) + dt.timedelta(days=14)
    assert AuditEvent.objects.filter(order_number=order.number, action="returns.withdrawal.declared").count() == 1


def test_naming_every_unit_is_a_full_withdrawal() -> None:
    order = shipped_order(2)
    withdrawal, _ = declare(order, items=((1, 2),))
    assert withdrawal.is_full


@pytest.mark.parametrize(("changes", "field"), [
    ({"customer_name": "  "}, "customer_name"),
    ({"customer_email": "not-an-address"}, "customer_email"),
    ({"customer_email": "a@b.c\x00"}, "customer_email"),
    ({"channel": "pigeon"}, "channel"),
    ({"channel": "back_office"}, "channel"),
    ({"statement": "x" * 5001}, "statement"),
    ({"items": ((9, 1),)}, "items"),
    ({"items": ((1, 0),)}, "items"),
    ({"items": ((1, 5),)}, "items"),
    ({"items": ((1, 1), (1, 1))}, "items"),
    ({"declared_at": dt.datetime(2100, 1, 1, tzinfo=dt.UTC)}, "declared_at"),
])
def test_hostile_withdrawals_are_refused_and_change_nothing(changes: dict, field: str) -> None:
    order = shipped_order(2)
    with pytest.raises(InvalidInput) as error:
        declare(order, **changes)
    assert error.value.details["field"] == field
    assert not Withdrawal.objects.exists() and not OutgoingEmail.objects.filter(
        template="withdrawal_confirmation").exists()


# --- registration ---------------------------------------------------------------------------


def test_a_line_can_be_returned_at_most_as_often_as_it_was_shipped_across_returns() -> None:
    order = shipped_order(3)
    return_register_and_notify(draft=draft_for(order, (1, 2)), actor=TESTER)
    with pytest.raises(InvalidInput) as error:
        return_register_and_notify(draft=draft_for(order, (1, 2)), actor=TESTER)
    assert error.value.code == "quantity_not_returnable"
    assert returnable_quantities(order=order) == {1: 1}
    assert ReturnRequest.objects.count() == 1


def test_a_cancelled_return_frees_its_units() -> None:
    order = shipped_order(1)
    request = return_register_and_notify(draft=draft_for(order, (1, 1)), actor=TESTER)
    return_cancel(request=request, actor=TESTER)
    assert returnable_quantities(order=order) == {1: 1}


def test_unshipped_lines_cannot_be_returned() -> None:
    make_article(sku="UNSHIPPED", stock=5)
    order = place_order(lines=[("UNSHIPPED", 1, "9.00")], paid=True).order
    with pytest.raises(InvalidInput):
        return_register_and_notify(draft=draft_for(order, (1, 1)), actor=TESTER)
    assert not ReturnRequest.objects.exists()


def test_a_return_for_order_a_refuses_lines_of_order_b() -> None:
    a, b = shipped_order(1), shipped_order(1)
    draft = ReturnDraft(channel=Channel.PORTAL, order=a, lines=(
        ReturnLineDraft(order=b, position=1, quantity=1, reason="other"),))
    with pytest.raises(InvalidInput):
        return_register_and_notify(draft=draft, actor=TESTER)
    assert not ReturnRequest.objects.exists()


def test_back_office_return_for_several_orders_and_goods_without_order() -> None:
    a, b = shipped_order(1), shipped_order(2)
    loose = make_article(sku="LOOSE")
    draft = ReturnDraft(channel=Channel.BACK_OFFICE, lines=(
        ReturnLineDraft(order=a, position=1, quantity=1, reason="other"),
        ReturnLineDraft(order=b, position=1, quantity=2, reason="damaged"),
        ReturnLineDraft(article=loose, quantity=3, reason="wrong_item")))
    request = return_register_and_notify(draft=draft, actor=TESTER, notify=False)
    assert [line.quantity for line in request.lines.all()] == [1, 2, 3]
    assert AuditEvent.objects.filter(action="returns.return.registered", order_number__in=[a.number, b.number]
                                     ).count() == 2


@pytest.mark.parametrize(("content", "code"), [
    (b"<html><script>alert(1)</script></html>", "photo_type"),
    (b"", "photo_empty"),
    (b"\xff\xd8\xff" + b"\x00" * MAX_BYTES, "photo_too_large"),
    (b"GIF89a" + b"\x00" * 20, "photo_type"),
])
def test_photos_are_checked_by_their_bytes_and_size(content: bytes, code: str) -> None:
    order = shipped_order(1)
    draft = draft_for(order, (1, 1), reason="damaged", photos=(PhotoUpload("damage.jpg", content),))
    with pytest.raises(InvalidInput) as error:
        return_register_and_notify(draft=draft, actor=TESTER)
    assert error.value.code == code
    assert not ReturnRequest.objects.exists() and not ReturnPhoto.objects.exists()


def test_at_most_five_photos_per_item_and_good_ones_are_stored_with_their_type() -> None:
    order = shipped_order(1)
    with pytest.raises(InvalidInput) as error:
        return_register_and_notify(draft=draft_for(order, (1, 1), reason="damaged",
                                                   photos=(PhotoUpload("a.jpg", JPEG),) * 6), actor=TESTER)
    assert error.value.code == "photo_count"
    request = return_register_and_notify(draft=draft_for(order, (1, 1), reason="damaged", photos=(
        PhotoUpload("../../etc/a.jpg", JPEG), PhotoUpload("b.png", PNG))), actor=TESTER)
    photos = list(ReturnPhoto.objects.filter(line__request=request).order_by("id"))
    assert [(p.filename, p.content_type) for p in photos] == [("a.jpg", "image/jpeg"), ("b.png", "image/png")]


def test_without_a_carrier_account_there_is_no_label_and_the_return_stays_as_it_is() -> None:
    order = shipped_order(1)
    request = return_register_and_notify(draft=draft_for(order, (1, 1)), actor=TESTER)
    assert return_label_fetch(request=request, actor=TESTER) is None
    assert refresh(request).label_tracking_number == ""


# --- receiving and inspection ---------------------------------------------------------------


def received(order, *lines, reason="does_not_fit"):
    request = return_register_and_notify(draft=draft_for(order, *lines, reason=reason), actor=TESTER)
    return return_goods_received(request=request, actor=TESTER)


def test_receiving_twice_is_refused() -> None:
    request = received(shipped_order(1), (1, 1))
    with pytest.raises(InvalidTransition):
        return_goods_received(request=request, actor=TESTER)


def test_inspection_before_receipt_and_illegal_transitions_are_refused() -> None:
    order = shipped_order(1)
    request = return_register_and_notify(draft=draft_for(order, (1, 1)), actor=TESTER)
    with pytest.raises(InvalidTransition):
        return_inspect(request=request, inspections=[LineInspection(1, "resellable", "restocked")], actor=TESTER)
    with pytest.raises(InvalidTransition):
        return_refund_approve(request=request, actor=TESTER)
    assert refresh(request).status == ReturnStatus.REGISTERED and not StockMove.objects.filter(reason="return").exists()


def test_damaged_goods_are_written_off_from_the_returns_location_with_the_ledger() -> None:
    order = shipped_order(1)
    article = order.lines.get(position=1).article
    stock_before = sum(StockLevel.objects.filter(article=article).values_list("on_hand", flat=True))
    request = received(order, (1, 1), reason="damaged")
    return_inspect(request=request, inspections=[LineInspection(1, "damaged", "written_off")], actor=TESTER)
    move = StockMove.objects.get(article=article, reference=request.number)
    assert (move.from_location.code, move.to_location.code, move.reason, move.quantity) == (
        "RETURNS", "LOSS", "write_off", 1)
    assert sum(StockLevel.objects.filter(article=article).values_list("on_hand", flat=True)) == stock_before


def test_damaged_goods_in_quarantine_are_kept_in_a_non_sellable_warehouse() -> None:
    order = shipped_order(2)
    article = order.lines.get(position=1).article
    request = received(order, (1, 2), reason="damaged")
    request = return_inspect(request=request, inspections=[LineInspection(1, "damaged", "quarantined")], actor=TESTER)
    quarantine = quarantine_location(code="QUARANTINE")
    assert not Warehouse.objects.get(code="QUARANTINE").sellable
    assert StockLevel.objects.get(article=article, location=quarantine).on_hand == 2
    assert request.status == ReturnStatus.REFUND_PROPOSED  # damaged goods are still refunded


def test_resellable_goods_cannot_go_into_quarantine_and_nothing_moves() -> None:
    order = shipped_order(1)
    request = received(order, (1, 1))
    quarantine = quarantine_location(code="QUARANTINE")
    for inspection in (LineInspection(1, "resellable", "restocked", location=quarantine),
                       LineInspection(1, "resellable", "written_off"), LineInspection(1, "broken", "flagged"),
                       LineInspection(1, "damaged", "written_off", loss_of_value=Decimal("-1")),
                       LineInspection(1, "damaged", "written_off", loss_of_value=Decimal("999")),
                       LineInspection(7, "damaged", "written_off")):
        with pytest.raises(InvalidInput):
            return_inspect(request=request, inspections=[inspection], actor=TESTER)
    assert refresh(request).status == ReturnStatus.RECEIVED
    assert not StockMove.objects.filter(reference=request.number).exists()


def test_a_line_is_inspected_once() -> None:
    order = shipped_order(1, 1)
    request = received(order, (1, 1), (2, 1))
    return_inspect(request=request, inspections=[LineInspection(1, "wrong_item", "flagged")], actor=TESTER)
    with pytest.raises(InvalidInput) as error:
        return_inspect(request=request, inspections=[LineInspection(1, "resellable", "restocked")], actor=TESTER)
    assert error.value.code == "already_inspected"
    assert refresh(request).status == ReturnStatus.RECEIVED  # line 2 is still open


def test_partial_return_with_deduction_and_customer_paid_label() -> None:
    # given the customer bears return shipping (5.00 for our label) and returns 1 of 2 lines
    return_policy_update(changes={"return_shipping_paid_by": "customer", "return_shipping_fee": Decimal("5.00")},
                         actor=TESTER)
    order = shipped_order(1, 1)
    request = return_register_and_notify(draft=draft_for(order, (1, 1)), actor=TESTER)
    ReturnRequest.objects.filter(pk=request.pk).update(label_tracking_number="RL1")
    request = return_goods_received(request=request, actor=TESTER)
    gross = order.lines.get(position=1).gross
    request = return_inspect(request=request, inspections=[
        LineInspection(1, "resellable", "restocked", loss_of_value=Decimal("1.50"))], actor=TESTER)
    # then goods less the deduction and the label, no outbound shipping
    [part] = request.proposal
    assert (Decimal(part["shipping"]), Decimal(part["return_shipping"])) == (Decimal("0"), Decimal("5.00"))
    assert request.refund_total == gross - Decimal("1.50") - Decimal("5.00")


def test_goods_without_order_stay_inspected_for_the_back_office_to_close() -> None:
    loose = make_article(sku="LOOSE2")
    request = return_register_and_notify(draft=ReturnDraft(channel=Channel.BACK_OFFICE, lines=(
        ReturnLineDraft(article=loose, quantity=1, reason="other"),)), actor=TESTER, notify=False)
    return_goods_received(request=request, actor=TESTER)
    request = return_inspect(request=request, inspections=[LineInspection(1, "resellable", "restocked")],
                             actor=TESTER)
    assert request.status == ReturnStatus.INSPECTED and request.refund_total == 0
    assert StockMove.objects.get(reference=request.number).quantity == 1


# --- deadline -------------------------------------------------------------------------------


def test_the_refund_deadline_is_alerted_once_before_it_passes() -> None:
    order = shipped_order(1)
    withdrawal, _ = declare(order)
    assert withdrawal_deadline_alert() == []  # 14 days left, alert 3 days before
    clock.freeze(clock.now() + dt.timedelta(days=12))
    try:
        assert [w.pk for w in withdrawal_deadline_alert()] == [withdrawal.pk]
        assert withdrawal_deadline_alert() == []
    finally:
        clock.unfreeze()
    assert AuditEvent.objects.filter(order_number=order.number,
                                     action="returns.withdrawal.refund_deadline_alerted").count() == 1


def test_policy_refuses_bad_values() -> None:
    with pytest.raises(InvalidInput):
        return_policy_update(changes={"return_shipping_paid_by": "nobody"}, actor=TESTER)
    with pytest.raises(InvalidInput):
        return_policy_update(changes={"colour": "red"}, actor=TESTER)
