"""Carrying out one queued e-mail: claim, send outside any transaction, record the outcome.

Every status change is a guarded UPDATE (WHERE status = <expected>), so two workers (or a
worker and the sweep) never both act on the same row: whoever loses the race changes nothing.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q

from kontorhaus.core import clock
from kontorhaus.core.audit import SYSTEM, AuditAction, record
from kontorhaus.core.tasks import backoff
from kontorhaus.documents.einvoice.build import XML_ATTACHMENT_KINDS, einvoice_attachment
from kontorhaus.documents.services import document_render

from .journal import journal_append
from .models import OutgoingEmail
from .states import OutgoingEmailStatus as S
from .states import check_transition

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600  # 1, 2, 4 ... minutes, at most six hours


def move(public_id: Any, *, frm: str, to: str, extra: Q | None = None, **fields: Any) -> bool:
    """Guarded status change; True when this caller made it."""
    check_transition(frm, to)
    rows = OutgoingEmail.objects.filter(public_id=public_id, status=frm)
    if extra is not None:
        rows = rows.filter(extra)
    return rows.update(status=to, **fields) == 1


def email_send(*, email_id: str) -> dt.datetime | None:
    """Send one outbox row. Returns when to try again after a failure, else None.

    Never raises for delivery problems: they are recorded on the row (and retried or failed).
    A row that is not queued and due (already sent, being sent, failed) is left alone.
    """
    now = clock.now()
    with transaction.atomic():
        claimed = move(
            email_id,
            frm=S.QUEUED,
            to=S.SENDING,
            extra=Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            attempts=F("attempts") + 1,
            sending_started_at=now,
            next_attempt_at=None,
        )
    if not claimed:
        return None
    email = OutgoingEmail.objects.get(public_id=email_id)
    connection = get_connection()
    try:
        message = build_message(email)
        connection.open()  # opened here, so send_messages() leaves it open: no QUIT before the journal
        if not connection.send_messages([message]):
            raise RuntimeError("the e-mail backend accepted no message")
        journal_append(str(email.public_id))
    except Exception as exc:  # noqa: BLE001 - any delivery problem is recorded and retried, never raised
        logger.warning("sending e-mail %s failed (attempt %s): %s", email.public_id, email.attempts, exc)
        _close_quietly(connection)
        return _record_failure(email, exc)
    _close_quietly(connection)
    _record_sent(email)
    return None


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - the message is already accepted (or failed); QUIT may fail
        logger.debug("closing the e-mail connection failed", exc_info=True)


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for filename, content, content_type in _documents(email.attachments):
        message.attach(filename, content, content_type)
    return message


def _documents(attachments: Iterable[dict[str, str]]) -> list[tuple[str, bytes, str]]:
    """(filename, bytes, type) per attachment. PDFs render on demand when the worker has not
    stored them yet (same bytes either way); "invoice_xml"/"credit_note_xml" is the XRechnung
    the buyer asked for, built and checked now. A failed e-invoice check raises, so the e-mail
    is retried (and finally failed) instead of going out without it."""
    files = []
    for item in attachments:
        if item["kind"] in XML_ATTACHMENT_KINDS:
            xml = einvoice_attachment(kind=item["kind"], number=item["number"])
            files.append((xml.filename, xml.content, xml.content_type))
        else:
            document = document_render(kind=item["kind"], number=item["number"])
            files.append((document.filename, bytes(document.pdf), "application/pdf"))
    return files


def _record_sent(email: OutgoingEmail) -> None:
    with transaction.atomic():
        if not move(email.public_id, frm=S.SENDING, to=S.SENT, sent_at=clock.now(), last_error=""):
            # The lease ran out and the sweep re-queued it while we were sending: a duplicate
            # may follow (same Message-ID). Logged so the operator can see it.
            logger.warning("e-mail %s was sent but no longer marked sending", email.public_id)
            return
        record(
            action=AuditAction.NOTIFICATIONS_EMAIL_SENT,
            obj=email,
            actor=SYSTEM,
            order_number=email.order_number,
            data={"template": email.template, "to": email.to, "attempts": email.attempts},
        )


def _record_failure(email: OutgoingEmail, exc: Exception) -> dt.datetime | None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    now = clock.now()
    with transaction.atomic():
        if email.attempts >= settings.KONTORHAUS["EMAIL_MAX_ATTEMPTS"]:
            if move(email.public_id, frm=S.SENDING, to=S.FAILED, last_error=error):
                record(
                    action=AuditAction.NOTIFICATIONS_EMAIL_FAILED,
                    obj=email,
                    actor=SYSTEM,
                    order_number=email.order_number,
                    data={
                        "template": email.template,
                        "to": email.to,
                        "attempts": email.attempts,
                        "error": error,
                    },
                )
            return None
        retry_at = now + backoff(email.attempts, base_seconds=BACKOFF_BASE_SECONDS, max_seconds=BACKOFF_MAX_SECONDS)
        moved = move(email.public_id, frm=S.SENDING, to=S.QUEUED, last_error=error, next_attempt_at=retry_at)
    return retry_at if moved else None
