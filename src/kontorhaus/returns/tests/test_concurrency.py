"""Two clerks approve the same refund at the same moment: one credit note, one refund."""

import threading

import pytest
from django.db import connection

from kontorhaus.billing.models import CreditNote
from kontorhaus.billing.models_refunds import Refund
from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_refund import return_refund_approve
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.services_inspection import LineInspection
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.sales.tests.factories import TESTER

from .factories import draft_for, shipped_order


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_issue_the_credit_note_and_refund_once() -> None:
    # given a return with a proposed refund
    order = shipped_order(2)
    request = return_register_and_notify(draft=draft_for(order, (1, 2)), actor=TESTER)
    return_goods_received(request=request, actor=TESTER)
    request = return_inspect(request=request, inspections=[LineInspection(1, "resellable", "restocked")],
                             actor=TESTER)
    assert request.status == ReturnStatus.REFUND_PROPOSED
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def approve() -> None:
        try:
            barrier.wait()
            return_refund_approve(request=ReturnRequest.objects.get(pk=request.pk), actor=TESTER)
        except BaseException as error:  # noqa: BLE001 -- reported below
            errors.append(error)
        finally:
            connection.close()

    # when three approvals run at once
    threads = [threading.Thread(target=approve) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then
    assert errors == []
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnStatus.REFUNDED
    assert CreditNote.objects.filter(order_number=order.number, kind="partial").count() == 1
    assert Refund.objects.filter(order_number=order.number).count() == 1
