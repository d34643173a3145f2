"""Refunds through the payment provider, as a task: the HTTP call runs outside any transaction,
its answer is recorded in a short one. A call that did not get through is tried again later with
growing pauses; after REFUND_MAX_ATTEMPTS the refund ends as failed, with the error shown. Every
attempt sends the same idempotency key, so a retry never refunds twice.

`refund_sweep()` (run by the worker's periodic sweep) re-queues what a lost task left behind:
a refund still `requested` some minutes after it was requested with no task waiting for it (the
worker died around the provider call, or the answer could not be recorded) gets a new task —
the idempotency key makes the repeated call answer the first refund, never a second one; and a
refund the provider left pending (`sent`) is asked about again every REFUND_POLL_SECONDS."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from kontorhaus.billing.models_refunds import Refund
from kontorhaus.billing.refunds.selectors import refund_get, refunds_psp_pending, refunds_psp_stuck
from kontorhaus.billing.refunds.states import RefundMethod, RefundStatus
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.tasks import backoff, enqueue_in_transaction
from kontorhaus.core.transactions import flow_transaction
from kontorhaus.flows.refund import refund_psp_dispatcher_register
from kontorhaus.flows.refund_settle import (
    FAILED,
    PENDING,
    ProviderAnswer,
    refund_provider_answered,
    refund_provider_unreachable,
)
from kontorhaus.notifications.worker import sweep_register

from .psp.paypal_refunds import paypal_refund, paypal_refund_status
from .psp.refund_http import RefundCallError, RefundOrder
from .psp.stripe_refunds import stripe_refund, stripe_refund_status

logger = logging.getLogger(__name__)
PSP_ACTOR = Actor("system", "psp-refund")
CLIENTS = {"stripe": stripe_refund, "paypal": paypal_refund}
STATUS_CLIENTS = {"stripe": stripe_refund_status, "paypal": paypal_refund_status}
SWEEP_GRACE = dt.timedelta(minutes=5)  # a requested refund's task normally runs within seconds


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
                run_after = clock.now() + backoff(refund.attempts, base_seconds=30, max_seconds=3600)
                enqueue_in_transaction(psp_refund_task.using(run_after=run_after), refund_reference)
        return
    refund_provider_answered(refund=refund, answer=answer, actor=PSP_ACTOR)


@task()
def psp_refund_poll_task(refund_reference: str) -> None:
    """Ask the provider about a refund it left pending; record the answer if it changed."""
    refund = refund_get(reference=refund_reference)
    if refund.method != RefundMethod.PSP or refund.status != RefundStatus.SENT or not refund.provider_reference:
        return
    provider = (refund.payment.external_id or "").partition(":")[0]
    if provider not in STATUS_CLIENTS:
        return
    try:
        answer = STATUS_CLIENTS[provider](refund.provider_reference)
    except RefundCallError as error:  # the next sweep asks again
        logger.warning("refund %s: status not known: %s", refund_reference, error)
        return
    if answer.status != PENDING:
        refund_provider_answered(refund=refund, answer=answer, actor=PSP_ACTOR)


def _waiting(task_: Task) -> set[str]:
    """Refunds with a task of this kind still in the queue (due now or later)."""
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task_.module_path)
    return {str(kw["args"][0]) for kw in rows.values_list("args_kwargs", flat=True) if kw.get("args")}


def refund_sweep() -> int:
    """Queue a provider call for every PSP refund stuck in `requested` (older than SWEEP_GRACE,
    no task waiting), and a status query for every pending (`sent`) one that has none waiting;
    returns how many tasks were queued."""
    now = clock.now()
    poll_after = now + dt.timedelta(seconds=int(settings.KONTORHAUS.get("REFUND_POLL_SECONDS", 900)))
    with transaction.atomic():
        waiting = _waiting(psp_refund_task)
        stuck = [r for r in refunds_psp_stuck(requested_before=now - SWEEP_GRACE) if r not in waiting]
        polling = _waiting(psp_refund_poll_task)
        pending = [r for r in refunds_psp_pending() if r not in polling]
        for reference in stuck:
            enqueue_in_transaction(psp_refund_task, reference)
        for reference in pending:
            enqueue_in_transaction(psp_refund_poll_task.using(run_after=poll_after), reference)
    if stuck:
        logger.info("refund sweep: %s PSP refund(s) re-queued", len(stuck))
    return len(stuck) + len(pending)


def _dispatch(refund: Refund) -> None:
    enqueue_in_transaction(psp_refund_task, refund.reference)


def register_refund_dispatch() -> None:
    refund_psp_dispatcher_register(_dispatch)
    sweep_register("refunds", refund_sweep)
