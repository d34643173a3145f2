"""Orders for dunning tests, placed through the real intake flow with the clock at the order day."""

import dataclasses
import datetime as dt
from decimal import Decimal

from kontorhaus.billing.services import PaymentData
from kontorhaus.core import clock
from kontorhaus.flows.order_intake import IntakeResult, order_intake
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_intake

ORDER_DAY = dt.date(2026, 11, 26)


def freeze_day(day: dt.date) -> None:
    """Mid-morning in Berlin on `day` (clock.today() is that day)."""
    clock.freeze(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC))


def place(*, payment_method: str, language: str = "de", **kwargs) -> IntakeResult:
    """One T-shirt (2 x 19.99 + 4.90 shipping = 44.88 gross), placed on ORDER_DAY."""
    freeze_day(ORDER_DAY)
    intake = dataclasses.replace(make_intake(**kwargs), payment_method=payment_method, language=language,
                                 placed_at=dt.datetime.combine(ORDER_DAY, dt.time(9, 15), tzinfo=dt.UTC))
    return order_intake(intake=intake, actor=TESTER)


def pay(order: SalesOrder, amount: str) -> None:
    payment_received(order=order, data=PaymentData(order_number=order.number, amount=Decimal(amount),
                                                   currency="EUR", method=order.payment_method, source="manual"),
                     actor=TESTER)
