"""A shop retries an order while its first attempt is still in its transaction (a timeout on
the shop's side). The retry must get that order back — not "sold out" because the first
attempt took the last unit, and not a second order."""

import threading
import time

import pytest
from django.db import connection

from kontorhaus.flows import order_placed as intake_flow  # where the confirmation is queued
from kontorhaus.flows.order_intake import IdempotencyKey, order_intake
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.mark.parametrize("with_key", [True, False], ids=["idempotency-key", "channel-and-external-id"])
def test_a_retry_while_the_first_attempt_is_running_gets_the_same_order(monkeypatch, with_key):
    # given the last unit, and a first attempt that is slow inside its transaction
    make_article(sku="LAST", stock=1)
    intake = make_intake(lines=[("LAST", 1, "9.99")], require_stock=True, external_id="retry-1")
    key = IdempotencyKey("shop", "retry-1", "same-body") if with_key else None
    slow_once = threading.Event()
    enqueue = intake_flow.confirmation_enqueue

    def slow_confirmation(**kwargs):
        if not slow_once.is_set():
            slow_once.set()
            time.sleep(0.8)  # the first attempt holds its transaction (and the unit) open
        return enqueue(**kwargs)

    monkeypatch.setattr(intake_flow, "confirmation_enqueue", slow_confirmation)
    results = {}

    def attempt(name):
        try:
            results[name] = order_intake(intake=intake, actor=TESTER, idempotency=key)
        finally:
            connection.close()

    # when the retry arrives while the first attempt is still running
    first = threading.Thread(target=attempt, args=("first",))
    first.start()
    assert slow_once.wait(timeout=10)
    retry = threading.Thread(target=attempt, args=("retry",))
    retry.start()
    first.join(timeout=30)
    retry.join(timeout=30)
    # then both answers are the one order, created once
    assert results["first"].created and not results["retry"].created
    assert results["retry"].order.number == results["first"].order.number
    assert SalesOrder.objects.count() == 1
