from decimal import Decimal

import pytest

from kontorhaus.billing.refunds.selectors import refunds_overview_for_order
from kontorhaus.flows.refund import refund_request
from kontorhaus.sales.tests.factories import TESTER

from .factories import pay_by_hand, simple_order

pytestmark = pytest.mark.django_db


def test_the_refunds_overview_takes_two_queries_however_many_refunds(django_assert_num_queries):
    # given an order paid twice, with three refunds
    order = simple_order()
    first, second = pay_by_hand(order, "20.00"), pay_by_hand(order, "24.88")
    for payment, amount in ((first, "5.00"), (first, "5.00"), (second, "4.88")):
        refund_request(order=order, payment=payment, amount=Decimal(amount), reason="", with_credit_note=True,
                       actor=TESTER)
    # when / then
    with django_assert_num_queries(2):
        refunds, refundable = refunds_overview_for_order(order_number=order.number)
    assert len(refunds) == 3
    assert [(p.amount, left) for p, left in refundable] == [(Decimal("20.00"), Decimal("10.00")),
                                                          (Decimal("24.88"), Decimal("20.00"))]
