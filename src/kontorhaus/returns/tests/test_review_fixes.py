"""Defects a review found (issue 6): cancelling a partly inspected return, wrong items, refund
cents of returns unit by unit, and which withdrawal a refunded return settles."""

import datetime as dt
from decimal import Decimal

import pytest

from kontorhaus.billing.models import CreditNote, Payment
from kontorhaus.billing.models_refunds import Refund
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.refund import refund_request
from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_refund import return_refund_approve
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.inventory.models import StockLevel, StockMove
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.models import ReturnRequest, Withdrawal
from kontorhaus.returns.selectors import withdrawals_refund_due
from kontorhaus.returns.services import ReturnDraft, WithdrawalDeclaration, returnable_quantities
from kontorhaus.returns.services_inspection import LineInspection, return_cancel
from kontorhaus.returns.states import Channel, ReturnStatus
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

from .factories import draft_for, refresh, shipped_order, shipped_priced_order

pytestmark = pytest.mark.django_db


def _bin(order: SalesOrder, position: int = 1):
    return order.lines.get(position=position).article.stock_levels.order_by("pk").first().location


def _on_hand(order: SalesOrder, position: int = 1) -> int:
    line = order.lines.get(position=position)
    return StockLevel.objects.get(article=line.article, location=_bin(order, position)).on_hand


def _received(order: SalesOrder, *lines: tuple[int, int], withdrawal: Withdrawal | None = None) -> ReturnRequest:
    draft = draft_for(order, *lines)
    if withdrawal is not None:
        draft = ReturnDraft(channel=draft.channel, order=order, lines=draft.lines, withdrawal=withdrawal)
    request = return_register_and_notify(draft=draft, actor=TESTER)
    return return_goods_received(request=request, actor=TESTER)


def _restock(request: ReturnRequest, order: SalesOrder, *positions: int) -> ReturnRequest:
    lines = {line.position: line for line in request.lines.all()}
    return return_inspect(request=refresh(request), actor=TESTER, inspections=[
        LineInspection(p, "resellable", "restocked", location=_bin(order, lines[p].order_line_position))
        for p in positions])


def _declare(order: SalesOrder, email: str = "erika@example.com", items=()) -> Withdrawal:
    withdrawal, _ = withdrawal_declare(order=order, declaration=WithdrawalDeclaration(
        customer_name="Erika Mustermann", customer_email=email, channel=Channel.PORTAL, items=items), actor=TESTER)
    return withdrawal


# --- 1. cancelling a partly inspected return --------------------------------------------------


def test_a_partly_inspected_return_cannot_be_cancelled_and_no_stock_is_made_up() -> None:
    # given a return of two lines, the first inspected and back in stock
    order = shipped_order(1, 1)
    before = _on_hand(order)
    request = _restock(_received(order, (1, 1), (2, 1)), order, 1)
    assert request.status == ReturnStatus.RECEIVED and _on_hand(order) == before + 1
    # when it is cancelled, then that is refused with a clear message, and nothing changes
    with pytest.raises(InvalidTransition) as refused:
        return_cancel(request=request, actor=TESTER)
    assert refused.value.code == "lines_inspected"
    assert "inspected" in refused.value.message
    assert refresh(request).status == ReturnStatus.RECEIVED
    # and the inspected unit cannot be registered (and moved in) a second time
    assert returnable_quantities(order=order)[1] == 0
    assert _on_hand(order) == before + 1


def test_a_received_return_with_nothing_inspected_can_still_be_cancelled() -> None:
    order = shipped_order(1)
    request = _received(order, (1, 1))
    assert return_cancel(request=request, actor=TESTER).status == ReturnStatus.CANCELLED
    assert returnable_quantities(order=order)[1] == 1


# --- 3. wrong items ----------------------------------------------------------------------------


def _wrong_item(order: SalesOrder, disposition: str = "flagged", **kwargs) -> ReturnRequest:
    request = _received(order, (1, 1))
    return return_inspect(request=request, actor=TESTER,
                          inspections=[LineInspection(1, "wrong_item", disposition, **kwargs)])


def test_a_wrong_item_does_not_use_up_the_lines_returnable_units() -> None:
    # given a shipped unit, and a return where something else than it arrived
    order = shipped_order(1)
    _wrong_item(order)
    # when the customer registers the real item, then it can be
    assert returnable_quantities(order=order)[1] == 1
    again = return_register_and_notify(draft=draft_for(order, (1, 1)), actor=TESTER)
    assert again.lines.get().quantity == 1


def test_a_wrong_item_in_quarantine_moves_no_ordered_article() -> None:
    # given a wrong item sent back for a shipped order line
    order = shipped_order(1)
    article = order.lines.get(position=1).article
    request = _received(order, (1, 1))
    # when it is put into quarantine without naming what arrived, then that is refused
    with pytest.raises(InvalidInput) as refused:
        return_inspect(request=request, actor=TESTER, inspections=[LineInspection(1, "wrong_item", "quarantined")])
    assert refused.value.details["field"] == "lines[1].article"
    assert refused.value.code == "wrong_item_needs_article"
    assert not StockMove.objects.filter(article=article, reason="return").exists()
    # when it is flagged, then the ordered article does not enter the ledger either
    return_inspect(request=request, actor=TESTER, inspections=[LineInspection(1, "wrong_item", "flagged")])
    assert not StockMove.objects.filter(reference=request.number).exists()


def test_a_wrong_item_with_the_article_that_arrived_goes_into_quarantine_as_that_article() -> None:
    order = shipped_order(1)
    ordered = order.lines.get(position=1).article
    arrived = make_article(sku="OTHER-1")
    request = _wrong_item(order, "quarantined", received_article=arrived)
    (move,) = StockMove.objects.filter(reference=request.number)
    assert (move.article_id, move.quantity) == (arrived.pk, 1)
    assert not StockMove.objects.filter(reference=request.number, article=ordered).exists()


def test_shipping_is_refunded_only_when_every_ordered_unit_came_back() -> None:
    # given an order of two lines, the second never shipped (cancelled from the shipment)
    order = shipped_order(1)
    # a wrong item came back for line 1: nothing of the order is back
    _wrong_item(order)
    # when the real unit comes back, then that is the whole order: shipping is refunded
    request = _restock(_received(order, (1, 1)), order, 1)
    [part] = request.proposal
    assert part["shipping"] == "4.90"


def test_a_wrong_item_does_not_make_the_order_fully_returned() -> None:
    # given an order of 2 units; the customer returns 1 real unit and 1 wrong item
    order = shipped_order(2)
    request = _received(order, (1, 1), (1, 1))
    request = return_inspect(request=request, actor=TESTER, inspections=[
        LineInspection(1, "resellable", "restocked", location=_bin(order)),
        LineInspection(2, "wrong_item", "flagged")])
    # then only the real unit is refunded, without the outbound shipping
    [part] = request.proposal
    assert (part["goods"], part["shipping"]) == ("10.00", "0.00")


# --- 4. cents of returns unit by unit --------------------------------------------------------


def test_three_one_unit_returns_refund_the_whole_line_to_the_cent() -> None:
    # given a line of 3 units for 10.00 in all
    order = shipped_priced_order((3, "3.3333", "standard"))
    line = order.lines.get(position=1)
    assert (line.gross, line.quantity) == (Decimal("10.00"), 3)
    goods = []
    # when the units come back one return at a time
    for _ in range(3):
        request = _restock(_received(order, (1, 1)), order, 1)
        goods.append(Decimal(request.proposal[0]["goods"]))
    # then the returns together refund exactly the line's gross; the last takes the remainder
    assert sum(goods) == line.gross
    assert goods[:2] == [Decimal("3.33"), Decimal("3.33")]


def test_the_remainder_goes_to_the_return_with_the_last_unit_whatever_the_split() -> None:
    order = shipped_priced_order((5, "2.002", "standard"))  # 10.01 for 5 units
    line = order.lines.get(position=1)
    assert line.gross == Decimal("10.01")
    goods = [Decimal(_restock(_received(order, (1, units)), order, 1).proposal[0]["goods"]) for units in (2, 2, 1)]
    assert goods == [Decimal("4.00"), Decimal("4.00"), Decimal("2.01")]


# --- 5. which withdrawal a refund settles ---------------------------------------------------


def test_a_refunded_return_settles_only_its_own_withdrawal() -> None:
    # given two withdrawals of one order (line 1, later line 2), and a return for the first one
    order = shipped_order(1, 1)
    first = _declare(order, items=((1, 1),))
    second = _declare(order, items=((2, 1),))
    request = _restock(_received(order, (1, 1), withdrawal=first), order, 1)
    # when its refund is approved
    return_refund_approve(request=request, actor=TESTER)
    # then the first withdrawal is settled, the second still waits for its refund
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.settled_at is not None
    assert second.settled_at is None


def test_a_return_without_a_withdrawal_settles_none() -> None:
    order = shipped_order(1, 1)
    withdrawal = _declare(order, items=((2, 1),))
    request = _restock(_received(order, (1, 1)), order, 1)
    return_refund_approve(request=request, actor=TESTER)
    withdrawal.refresh_from_db()
    assert withdrawal.settled_at is None


def test_a_withdrawal_of_an_order_cancelled_and_refunded_in_full_is_not_overdue() -> None:
    # given a paid order the customer withdrew from before it shipped
    make_article(stock=5)
    order = place_order(paid=True).order
    withdrawal = _declare(order)
    assert [w.pk for w in withdrawals_refund_due(within_days=30)] == [withdrawal.pk]
    # when the shop cancels the order and refunds the payment in full (not through a return)
    order = order_cancel(order=order, actor=TESTER, reason="Widerruf")
    payment = Payment.objects.get(order_number=order.number)
    refund_request(order=order, payment=payment, amount=payment.amount, reason="Widerruf", with_credit_note=True,
                   actor=TESTER)
    # then the withdrawal no longer waits for a refund
    assert SalesOrder.objects.get(pk=order.pk).payment_state == "refunded"
    assert withdrawals_refund_due(within_days=30) == []


# --- 2. the return's credit note at the returned lines' own rates -----------------------------


def test_a_returned_7_percent_book_is_credited_at_7_percent_only() -> None:
    # given a shipped order of a 19.99 shirt (19 %) and a 10.00 book (7 %)
    order = shipped_priced_order((1, "19.99", "standard"), (1, "10.00", "reduced"))
    # when the book comes back and the refund is approved
    request = _restock(_received(order, (2, 1)), order, 1)
    done = return_refund_approve(request=request, actor=TESTER)
    # then its credit note credits 10.00 at 7 %: net 9.35, VAT 0.65, and the refund points at it
    (note,) = CreditNote.objects.filter(order_number=order.number)
    assert done.credit_notes == [note.number]
    assert [(b["rate"], b["net"], b["tax"], b["gross"]) for b in note.tax_breakdown] == [
        ("7.00", "9.35", "0.65", "10.00")]
    assert [(line["tax_rate"], line["gross"]) for line in note.lines] == [("7.00", "10.00")]
    assert Refund.objects.get(order_number=order.number).credit_note_id == note.pk


def test_a_full_return_credits_goods_and_shipping_each_at_its_rate() -> None:
    order = shipped_priced_order((1, "19.99", "standard"), (1, "10.00", "reduced"))
    request = _restock(_received(order, (1, 1), (2, 1)), order, 1, 2)
    assert request.refund_total == Decimal("34.89")
    return_refund_approve(request=request, actor=TESTER)
    (note,) = CreditNote.objects.filter(order_number=order.number)
    assert {b["rate"]: b["gross"] for b in note.tax_breakdown} == {"19.00": "24.89", "7.00": "10.00"}
    assert note.total_gross == Decimal("34.89") == note.total_net + note.total_vat


# --- 6. late withdrawals ---------------------------------------------------------------------


def test_a_withdrawal_after_the_period_is_recorded_late_without_a_refund_deadline() -> None:
    # given an order handed to the carrier (no delivery date): received at the latest 3 days later
    order = shipped_order(1)
    clock.freeze(clock.now() + dt.timedelta(days=3 + 14 + 1))
    try:
        # when the customer withdraws a day after the 14 days
        withdrawal = _declare(order)
    finally:
        clock.unfreeze()
    # then it is accepted and confirmed, but flagged late, and no legal refund deadline runs
    assert withdrawal.late and withdrawal.refund_due_on is None and withdrawal.period_ends_on is not None
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation", order_number=order.number).exists()
    assert withdrawals_refund_due(within_days=365) == []


def test_a_withdrawal_within_the_period_is_not_late() -> None:
    order = shipped_order(1)
    clock.freeze(clock.now() + dt.timedelta(days=3 + 14))
    try:
        withdrawal = _declare(order)
    finally:
        clock.unfreeze()
    assert not withdrawal.late and withdrawal.refund_due_on is not None


def test_a_withdrawal_before_anything_shipped_is_never_late() -> None:
    make_article(stock=5)
    order = place_order(paid=True).order
    withdrawal = _declare(order)
    assert not withdrawal.late and withdrawal.period_ends_on is None and withdrawal.refund_due_on is not None
