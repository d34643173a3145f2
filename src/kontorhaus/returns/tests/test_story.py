"""The whole way of a return: shipped order -> withdrawal -> return -> received -> inspected ->
refund proposal -> credit note and refund, with stock, states and documents at each step."""

from decimal import Decimal

import pytest

from kontorhaus.billing.models import CreditNote
from kontorhaus.billing.models_refunds import Refund
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_refund import return_refund_approve
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.inventory.models import StockLevel, StockMove
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.services import WithdrawalDeclaration
from kontorhaus.returns.services_inspection import LineInspection
from kontorhaus.returns.states import Channel, ReturnStatus
from kontorhaus.sales.tests.factories import TESTER

from .factories import draft_for, refresh, shipped_order

pytestmark = pytest.mark.django_db


def test_full_withdrawal_refunds_goods_and_outbound_shipping_once() -> None:
    # given a shipped order of 2 x 10.00 + 4.90 shipping, and its withdrawal
    order = shipped_order(2)
    line = order.lines.get(position=1)
    withdrawal, created = withdrawal_declare(order=order, declaration=WithdrawalDeclaration(
        customer_name="Erika Mustermann", customer_email="erika@example.com", channel=Channel.PORTAL), actor=TESTER)
    assert created and withdrawal.is_full
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation", order_number=order.number).count() == 1
    # when the return is registered, received and inspected as resellable
    request = return_register_and_notify(draft=draft_for(order, (1, 2)), actor=TESTER)
    assert request.number.startswith("RT-") and request.status == ReturnStatus.REGISTERED
    return_goods_received(request=request, actor=TESTER)
    bin_ = line.article.stock_levels.order_by("pk").first().location
    before = StockLevel.objects.get(article=line.article, location=bin_).on_hand
    request = return_inspect(request=refresh(request), inspections=[
        LineInspection(position=1, condition="resellable", disposition="restocked", location=bin_)], actor=TESTER)
    # then the stock is back in the bin, with a ledger entry, and the refund is proposed
    assert StockLevel.objects.get(article=line.article, location=bin_).on_hand == before + 2
    assert StockMove.objects.filter(article=line.article, reason="return", reference=request.number).count() == 1
    assert request.status == ReturnStatus.REFUND_PROPOSED
    assert request.proposal[0]["goods"] == str(line.gross)
    assert request.proposal[0]["shipping"] == "4.90"
    assert request.refund_total == line.gross + Decimal("4.90")
    # when approved twice
    done = return_refund_approve(request=request, actor=TESTER)
    again = return_refund_approve(request=request, actor=TESTER)
    # then one credit note and one refund, the withdrawal is settled, the timeline tells it
    assert done.status == ReturnStatus.REFUNDED and again.credit_notes == done.credit_notes
    assert CreditNote.objects.filter(order_number=order.number, kind="partial").count() == 1
    assert Refund.objects.filter(order_number=order.number).count() == 1
    assert Refund.objects.get(order_number=order.number).amount == line.gross + Decimal("4.90")
    withdrawal.refresh_from_db()
    assert withdrawal.settled_at is not None
    actions = set(AuditEvent.objects.filter(order_number=order.number).values_list("action", flat=True))
    assert {"returns.withdrawal.declared", "returns.return.registered", "returns.return.received",
            "returns.return.inspected", "returns.return.refund_proposed", "returns.return.refunded"} <= actions
