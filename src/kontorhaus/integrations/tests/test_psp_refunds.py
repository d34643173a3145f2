"""PSP refunds through local fakes of Stripe's and PayPal's refund APIs (real HTTP on 127.0.0.1)."""

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kontorhaus.billing.models import CreditNote, Payment
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
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.flows.refund import refund_request, refund_retry
from kontorhaus.integrations.psp.refund_http import RefundOrder
from kontorhaus.integrations.psp.stripe_refunds import stripe_refund
from kontorhaus.integrations.tasks import psp_refund_poll_task, psp_refund_task, refund_sweep
from kontorhaus.notifications.worker import _sweeps
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
    # and nothing was booked: the credit note stands, so the 10.00 is still owed back (overpaid) until
    # the refund is retried against that credit note (flows.refund.refund_retry)
    assert refund.booked_payment is None
    assert _payment_state(refund) == PaymentState.OVERPAID


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


# --- stuck refunds: the sweep, pending refunds, failed refunds retried (review finding 10) -----

@pytest.fixture
def later():
    """Moves the clock forward; unfrozen afterwards."""
    def move(minutes: float) -> None:
        clock.freeze(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=minutes))
    yield move
    clock.unfreeze()


def test_the_worker_runs_the_refund_sweep():
    assert _sweeps["refunds"] is refund_sweep


def test_a_requested_refund_whose_task_was_lost_is_requeued_and_refunded_once(stripe, later):
    # given a refund whose provider call reached Stripe, but the worker died before recording it
    refund = _refund("stripe", "pi_3Q1")
    stripe_refund(RefundOrder(reference=refund.reference, provider_payment_id="pi_3Q1", amount=Decimal("10.00"),
                              currency="EUR", reason="", order_number=refund.order_number))
    DBTaskResult.objects.all().update(status=TaskResultStatus.RUNNING)  # the task row of the dead worker
    # when the sweep runs within the grace period, nothing is queued
    assert refund_sweep() == 0
    # and when it runs minutes later, the refund gets a new task
    later(6)
    assert refund_sweep() == 1
    assert refund_sweep() == 0  # that task waits: not queued twice
    psp_refund_task.call(refund.reference)
    # then Stripe answered the first refund again (same idempotency key): one refund, done and booked
    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE and stripe.refunds_created == 1
    assert Payment.objects.filter(order_number=refund.order_number, amount__lt=0).count() == 1


def test_a_requested_refund_with_its_task_waiting_is_left_alone(stripe, later):
    _refund("stripe", "pi_3Q1")
    later(60)  # a long backlog: the task is still in the queue
    assert refund_sweep() == 0
    assert len(_queued()) == 1


@pytest.mark.parametrize(("provider", "payment_id", "final", "expected"), [
    ("stripe", "pi_3Q1", "succeeded", RefundStatus.DONE),
    ("stripe", "pi_3Q1", "failed", RefundStatus.FAILED),
    ("paypal", CAPTURE, "COMPLETED", RefundStatus.DONE),
    ("paypal", CAPTURE, "FAILED", RefundStatus.FAILED),
])
def test_a_pending_refund_is_asked_about_until_the_provider_decides(request, provider, payment_id, final, expected):
    fake = request.getfixturevalue(provider)
    fake.pending = True
    # given a refund the provider accepted but left pending
    refund = _refund(provider, payment_id)
    psp_refund_task.call(refund.reference)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SENT
    # when the sweep runs, a status query is queued for later (once)
    assert refund_sweep() == 1 and refund_sweep() == 0
    (poll,) = DBTaskResult.objects.filter(task_path__endswith="psp_refund_poll_task")
    assert poll.run_after > clock.now()
    # and while it is still pending, asking changes nothing
    psp_refund_poll_task.call(refund.reference)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SENT
    assert fake.requests[-1]["method"] == "GET"
    # when the provider has decided, the next query records it
    fake.created[refund.provider_reference]["status"] = final
    psp_refund_poll_task.call(refund.reference)
    refund.refresh_from_db()
    assert refund.status == expected
    assert (refund.booked_payment is not None) == (expected == RefundStatus.DONE)


def test_a_failed_refund_is_retried_against_its_credit_note_and_none_is_issued(paypal):
    # given a refund with a credit note that PayPal refused
    paypal.refunded[CAPTURE] = 4488
    failed = _refund("paypal", CAPTURE)
    psp_refund_task.call(failed.reference)
    failed.refresh_from_db()
    assert failed.status == RefundStatus.FAILED and CreditNote.objects.count() == 1
    order = SalesOrder.objects.get(number=failed.order_number)
    # when it is requested again with a new credit note, that is refused: the invoice would be credited twice
    with pytest.raises(InvalidInput) as refused:
        refund_request(order=order, payment=failed.payment, amount=Decimal("10.00"), reason="", with_credit_note=True,
                       actor=TESTER)
    assert refused.value.code == "retry_failed_refund"
    # and when it is retried, the retry reuses the credit note
    paypal.refunded[CAPTURE] = 0
    retry = refund_retry(refund=failed, actor=TESTER)
    assert retry.credit_note_id == failed.credit_note_id and CreditNote.objects.count() == 1
    psp_refund_task.call(retry.reference)
    retry.refresh_from_db()
    assert retry.status == RefundStatus.DONE
    # and a second retry of the same failed refund is refused: its credit note is covered
    with pytest.raises(InvalidInput):
        refund_retry(refund=failed, actor=TESTER)


def test_only_a_failed_refund_can_be_retried(stripe):
    refund = _refund("stripe", "pi_3Q1")
    with pytest.raises(InvalidInput) as refused:
        refund_retry(refund=refund, actor=TESTER)
    assert refused.value.code == "not_retryable"
