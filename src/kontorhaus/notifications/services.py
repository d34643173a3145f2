"""The outgoing e-mail outbox (STYLE 17).

`email_enqueue` writes a rendered OutgoingEmail row and enqueues its send task in the
caller's transaction: both commit together or not at all. `email_send_task` then claims the
row, sends it outside any transaction and records the outcome (see services_send).
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kontorhaus.core import clock
from kontorhaus.core.audit import SYSTEM, AuditAction, record
from kontorhaus.core.tasks import enqueue_in_transaction
from kontorhaus.core.transactions import operation

from .journal import journal_ids, journal_rotate
from .models import EmailTemplate, OutgoingEmail
from .rendering import email_language, render_email
from .services_send import move
from .states import OutgoingEmailStatus as S
from .tasks import email_send_task

logger = logging.getLogger(__name__)

SWEEP_GRACE = dt.timedelta(seconds=60)
LOST = "worker lost while sending; re-queued by the sweep"


@operation
def email_enqueue(  # noqa: PLR0913 - the outbox row's fields, all keyword-only
    *,
    template: EmailTemplate | str,
    to: str,
    language: str,
    context: dict[str, Any],
    attachments: Iterable[dict[str, str]] = (),
    related_type: str = "",
    related_ref: str = "",
    order_number: str = "",
) -> OutgoingEmail:
    """Render and queue an e-mail inside the caller's transaction (composes by savepoint).

    `attachments` are document references ({"kind": "invoice", "number": "RE-..."}); the PDFs
    are fetched (or rendered) when the e-mail is sent.
    """
    template = EmailTemplate(template)
    language = email_language(language)
    rendered = render_email(template=template.value, language=language, context=context)
    public_id = uuid.uuid4()
    now = clock.now()
    email = OutgoingEmail.objects.create(
        public_id=public_id,
        template=template,
        language=language,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        attachments=[{"kind": a["kind"], "number": a["number"]} for a in attachments],
        related_type=related_type,
        related_ref=related_ref,
        order_number=order_number,
        message_id=message_id_for(public_id),
        created_at=now,
        next_attempt_at=now,
    )
    enqueue_in_transaction(email_send_task, str(public_id))
    return email


def message_id_for(public_id: uuid.UUID) -> str:
    """Deterministic per row, so a resend after a crash is recognisable as the same message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "kontorhaus.invalid"
    return f"<{public_id}@{domain}>"


def _emails_with_a_waiting_task() -> set[str]:
    """E-mails whose send task is still in the queue (a long backlog, not a lost task)."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=email_send_task.module_path)
    return {str(args["args"][0]) for args in waiting.values_list("args_kwargs", flat=True) if args.get("args")}


@operation
def email_sweep() -> int:
    """Re-queue outbox rows whose task was lost; returns how many tasks were enqueued.

    - "sending" longer than EMAIL_SENDING_LEASE_SECONDS: the worker died mid-send. The row goes
      back to "queued" (or "failed" when its attempts are used up) and gets a new task.
    - "queued" and due for more than a minute: its task never ran (a crash between the failure
      being recorded and the retry being enqueued, or a lost task). A new task is enqueued and
      next_attempt_at bumped, so a slow queue gets at most one extra task per row and minute.
    Duplicates are harmless: the send task claims the row with a guarded UPDATE first.

    Remaining window, honestly: a worker killed after the SMTP server accepted the message but
    before the row was marked "sent" leaves it in "sending"; after the lease it is sent again.
    The resend carries the same Message-ID header, so most mail clients show it once, but the
    recipient's server may deliver it twice. Keep the lease longer than any SMTP timeout so a
    slow but alive send is not duplicated.
    """
    now = clock.now()
    lease = dt.timedelta(seconds=settings.KONTORHAUS["EMAIL_SENDING_LEASE_SECONDS"])
    max_attempts = settings.KONTORHAUS["EMAIL_MAX_ATTEMPTS"]
    requeued = []
    stale = OutgoingEmail.objects.filter(status=S.SENDING, sending_started_at__lt=now - lease)
    journaled = journal_ids()
    for email in stale:
        if str(email.public_id) in journaled:
            # The server accepted it; the worker died before recording that. Not sent again.
            if move(email.public_id, frm=S.SENDING, to=S.SENT, sent_at=now, last_error=""):
                record(action=AuditAction.NOTIFICATIONS_EMAIL_SENT, obj=email, actor=SYSTEM,
                       order_number=email.order_number,
                       data={"template": email.template, "to": email.to, "attempts": email.attempts,
                             "recovered": "sent journal"})
        elif email.attempts >= max_attempts:
            if move(email.public_id, frm=S.SENDING, to=S.FAILED, last_error=LOST):
                record(
                    action=AuditAction.NOTIFICATIONS_EMAIL_FAILED,
                    obj=email,
                    actor=SYSTEM,
                    order_number=email.order_number,
                    data={"attempts": email.attempts, "error": LOST},
                )
        elif move(email.public_id, frm=S.SENDING, to=S.QUEUED, next_attempt_at=now, last_error=LOST):
            requeued.append(email.public_id)
    due = OutgoingEmail.objects.filter(status=S.QUEUED, next_attempt_at__lte=now - SWEEP_GRACE)
    waiting = _emails_with_a_waiting_task()
    overdue = [i for i in due.values_list("public_id", flat=True) if str(i) not in waiting]
    OutgoingEmail.objects.filter(public_id__in=overdue, status=S.QUEUED).update(next_attempt_at=now)
    for public_id in [*requeued, *overdue]:
        enqueue_in_transaction(email_send_task, str(public_id))
    journal_rotate()
    if requeued or overdue:
        logger.info("email sweep: %s stale, %s overdue e-mail(s) re-enqueued", len(requeued), len(overdue))
    return len(requeued) + len(overdue)
