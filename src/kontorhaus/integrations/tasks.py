"""Refunds through the payment provider, as a task: the HTTP call runs outside any transaction,
its answer is recorded in a short one. A call that did not get through is tried again later with
growing pauses; after REFUND_MAX_ATTEMPTS the refund ends as failed, with the error shown. Every
attempt sends the same idempotency key, so a retry never refunds twice."""

import datetime as dt

from django.conf import settings
from django_tasks import task

from kontorhaus.billing.models_refunds import Refund
from kontorhaus.billing.refunds.selectors import refund_get
from kontorhaus.billing.refunds.states import RefundMethod, RefundStatus
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.tasks import enqueue_in_transaction
from kontorhaus.core.transactions import flow_transaction
from kontorhaus.flows.refund import refund_psp_dispatcher_register
from kontorhaus.flows.refund_settle import FAILED, ProviderAnswer, refund_provider_answered, refund_provider_unreachable

from .psp.paypal_refunds import paypal_refund
from .psp.refund_http import RefundCallError, RefundOrder
from .psp.stripe_refunds import stripe_refund

PSP_ACTOR = Actor("system", "psp-refund")
CLIENTS = {"stripe": stripe_refund, "paypal": paypal_refund}


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _order(refund: Refund) -> RefundOrder:
    provider, _, payment_id = (refund.payment.external_id or "").partition(":")
    if provider not in CLIENTS or not payment_id:
        raise RefundCallError(f"payment {refund.payment.external_id or refund.payment.pk} has no Stripe or PayPal "
                              "payment id to refund", retryable=False)
    return RefundOrder(reference=refund.reference, provider_payment_id=payment_id, amount=refund.amount,
                       currency=refund.currency, reason=refund.reason, order_number=refund.order_number)


@task()
def psp_refund_task(refund_reference: str) -> None:
    refund = refund_get(reference=refund_reference)
    if refund.method != RefundMethod.PSP or refund.status != RefundStatus.REQUESTED:
        return  # answered before (a repeated task): nothing to do
    try:
        order = _order(refund)
        answer = CLIENTS[refund.payment.external_id.partition(":")[0]](order)
    except RefundCallError as error:
        if not error.retryable:
            refund_provider_answered(refund=refund, answer=ProviderAnswer(FAILED, error=str(error)), actor=PSP_ACTOR)
            return
        max_attempts = int(settings.KONTORHAUS.get("REFUND_MAX_ATTEMPTS", 5))
        with flow_transaction():
            if refund_provider_unreachable(refund=refund, error=str(error), max_attempts=max_attempts,
                                           actor=PSP_ACTOR):
                refund.refresh_from_db(fields=["attempts"])
                run_after = clock.now() + retry_delay(refund.attempts)
                enqueue_in_transaction(psp_refund_task.using(run_after=run_after), refund_reference)
        return
    refund_provider_answered(refund=refund, answer=answer, actor=PSP_ACTOR)


def _dispatch(refund: Refund) -> None:
    enqueue_in_transaction(psp_refund_task, refund.reference)


def register_refund_dispatch() -> None:
    refund_psp_dispatcher_register(_dispatch)
