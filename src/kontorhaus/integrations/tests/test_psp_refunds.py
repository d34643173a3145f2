"""PSP refunds through local fakes of Stripe's and PayPal's refund APIs (real HTTP on 127.0.0.1)."""

import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django_tasks_db.models import DBTaskResult

from kontorhaus.billing.models import Payment
from kontorhaus.billing.models_refunds import Refund
from kontorhaus.billing.refunds.states import RefundMethod, RefundStatus
from kontorhaus.billing.refunds.tests.factories import pay_by_psp, simple_order
from kontorhaus.billing.refunds.tests.fake_psp import (
    PAYPAL_ID,
    PAYPAL_SECRET,
    STRIPE_KEY,
    FakeState,
    PayPalHandler,
    StripeHandler,
    serve,
)
from kontorhaus.flows.refund import refund_request
from kontorhaus.integrations.psp.refund_http import RefundOrder
from kontorhaus.integrations.psp.stripe_refunds import stripe_refund
from kontorhaus.integrations.tasks import psp_refund_task
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.states import PaymentState
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
CAPTURE = "2GG279541U471931P"


@pytest.fixture
def stripe(settings):
    state = FakeState(captured={"pi_3Q1": 4488})
    with serve(StripeHandler, state) as url:
        settings.KONTORHAUS = {**settings.KONTORHAUS, "STRIPE_API_BASE": url, "STRIPE_SECRET_KEY": STRIPE_KEY,
                               "REFUND_MAX_ATTEMPTS": 3}
        yield state


@pytest.fixture
def paypal(settings):
    state = FakeState(captured={CAPTURE: 4488})
    with serve(PayPalHandler, state) as url:
        settings.KONTORHAUS = {**settings.KONTORHAUS, "PAYPAL_API_BASE": url, "PAYPAL_CLIENT_ID": PAYPAL_ID,
                               "PAYPAL_CLIENT_SECRET": PAYPAL_SECRET, "REFUND_MAX_ATTEMPTS": 3}
        yield state


def _refund(provider: str, payment_id: str, amount: str = "10.00") -> Refund:
    order = simple_order()
    payment = pay_by_psp(order, "44.88", provider=provider, payment_id=payment_id)
    return refund_request(order=order, payment=payment, amount=Decimal(amount), reason="Kulanz",
                          with_credit_note=True, actor=TESTER)


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path__endswith="psp_refund_task").order_by("enqueued_at"))


def _payment_state(refund: Refund) -> str:
    return SalesOrder.objects.get(number=refund.order_number).payment_state


def test_a_stripe_refund_is_requested_by_the_task_and_booked(stripe):
    # given a card payment of 44.88 through Stripe, and 10.00 of it to refund
    refund = _refund("stripe", "pi_3Q1")
    # then the provider call is queued with the refund, not made in the request
    assert refund.method == RefundMethod.PSP and refund.status == RefundStatus.REQUESTED
    assert [t.args_kwargs["args"] for t in _queued()] == [[refund.reference]]
    assert stripe.requests == []
    # when the worker runs the task
    psp_refund_task.call(refund.reference)
    # then Stripe got one form-encoded refund of 1000 cents for the payment intent, idempotent by our id
    (sent,) = stripe.requests
    form = {k: v[0] for k, v in parse_qs(sent["body"].decode()).items()}
    assert (form["payment_intent"], form["amount"]) == ("pi_3Q1", "1000")
    assert sent["headers"]["idempotency-key"] == f"kontorhaus-refund-{refund.reference}"
    # and the refund is done with Stripe's id, booked as -10.00: partially refunded
    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE and refund.provider_reference.startswith("re_")
    assert refund.booked_payment.amount == Decimal("-10.00")
    assert _payment_state(refund) == PaymentState.PARTIALLY_REFUNDED
    # and running the task again asks Stripe nothing
    psp_refund_task.call(refund.reference)
    assert len(stripe.requests) == 1


def test_a_retry_after_a_lost_answer_never_refunds_twice(stripe):
    # given a refund whose first call reached Stripe but whose answer was lost
    refund = _refund("stripe", "pi_3Q1")
    stripe_refund(RefundOrder(reference=refund.reference, provider_payment_id="pi_3Q1", amount=Decimal("10.00"),
                              currency="EUR", reason="", order_number=refund.order_number))
    # when the task tries again
    psp_refund_task.call(refund.reference)
    # then Stripe answers the first refund again (same idempotency key): one refund of 10.00
    assert stripe.refunds_created == 1 and stripe.refunded["pi_3Q1"] == 1000
    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE
    assert Payment.objects.filter(order_number=refund.order_number, amount__lt=0).count() == 1


def test_a_provider_that_keeps_failing_ends_the_refund_as_failed_after_the_retries(stripe):
    # given Stripe answering 500 to everything
    stripe.fail_with = 500
    refund = _refund("stripe", "pi_3Q1")
    # when the task runs and each retry it queues runs too
    for _ in range(3):
        psp_refund_task.call(refund.reference)
    # then it was tried three times, two retries queued later each time, and it failed with the error
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.FAILED, 3)
    assert "HTTP 500" in refund.last_error and "gave up after 3 attempts" in refund.last_error
    retries = _queued()[1:]
    assert len(retries) == 2 and retries[1].run_after > retries[0].run_after
    # and nothing was booked: the order is still paid
    assert refund.booked_payment is None
    assert _payment_state(refund) == PaymentState.PAID


def test_a_refusal_by_stripe_fails_the_refund_at_once_with_stripes_reason(stripe):
    # given the charge was refunded in Stripe's dashboard already
    stripe.refunded["pi_3Q1"] = 4488
    refund = _refund("stripe", "pi_3Q1")
    psp_refund_task.call(refund.reference)
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.FAILED, 0)
    assert "charge_already_refunded" in refund.last_error
    assert len(_queued()) == 1  # no retry: the answer would not change


def test_a_wrong_stripe_key_fails_the_refund(stripe, settings):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "STRIPE_SECRET_KEY": "sk_test_wrong"}
    refund = _refund("stripe", "pi_3Q1")
    psp_refund_task.call(refund.reference)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and "HTTP 401" in refund.last_error


def test_a_paypal_refund_takes_a_token_and_refunds_the_capture(paypal):
    # given a PayPal capture of 44.88 and 12.34 of it to refund
    refund = _refund("paypal", CAPTURE, amount="12.34")
    # when the worker runs the task
    psp_refund_task.call(refund.reference)
    # then a client-credentials token was taken and the capture refunded with JSON, idempotent by our id
    token, sent = paypal.requests
    assert token["path"] == "/v1/oauth2/token"
    assert sent["path"] == f"/v2/payments/captures/{CAPTURE}/refund"
    assert json.loads(sent["body"])["amount"] == {"value": "12.34", "currency_code": "EUR"}
    assert sent["headers"]["paypal-request-id"] == f"kontorhaus-refund-{refund.reference}"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE and refund.provider_reference
    assert _payment_state(refund) == PaymentState.PARTIALLY_REFUNDED


def test_a_capture_refunded_already_in_paypal_fails_the_refund(paypal):
    paypal.refunded[CAPTURE] = 4488
    refund = _refund("paypal", CAPTURE)
    psp_refund_task.call(refund.reference)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and "CAPTURE_FULLY_REFUNDED" in refund.last_error
