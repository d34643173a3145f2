import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks_db.models import DBTaskResult

from kontorhaus.core.models import AuditEvent
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.notifications.states import OutgoingEmailStatus
from kontorhaus.notifications.tasks import email_send_task

from .test_services_enqueue import enqueue_confirmation

S = OutgoingEmailStatus


class RefusingBackend(BaseEmailBackend):
    """Stands in for an SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection refused")


@pytest.mark.django_db
def test_send_marks_sent_and_attaches_the_invoice(frozen_clock, invoice_source, locmem_email):
    # given a queued order confirmation with the invoice attached
    email = enqueue_confirmation()
    # when the task runs
    email_send_task.call(str(email.public_id))
    # then exactly one message went out with the PDF and a stable Message-ID
    email.refresh_from_db()
    assert email.status == S.SENT
    assert email.attempts == 1
    assert email.sent_at == frozen_clock.now
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["joerg@example.com"]
    assert message.extra_headers["Message-ID"] == email.message_id
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == ("RE-2026-000001.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert message.alternatives[0].mimetype == "text/html"
    assert AuditEvent.objects.filter(action="notifications.email.sent").count() == 1


@pytest.mark.django_db
def test_second_run_for_a_sent_email_sends_nothing(frozen_clock, invoice_source, locmem_email):
    # given an e-mail that has been sent
    email = enqueue_confirmation()
    email_send_task.call(str(email.public_id))
    # when its task runs again (a duplicate from the sweep)
    email_send_task.call(str(email.public_id))
    # then nothing more is sent
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (S.SENT, 1)


@pytest.mark.django_db
def test_failing_backend_retries_with_backoff_then_fails(frozen_clock, invoice_source, settings):
    # given an SMTP server that refuses every attempt, and three attempts allowed
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    settings.KONTORHAUS = {**settings.KONTORHAUS, "EMAIL_MAX_ATTEMPTS": 3}
    email = enqueue_confirmation()
    DBTaskResult.objects.all().delete()
    # when the task runs the first time
    email_send_task.call(str(email.public_id))
    # then the row is queued again for one minute later, with a task scheduled for then
    email.refresh_from_db()
    assert (email.status, email.attempts) == (S.QUEUED, 1)
    assert email.next_attempt_at == frozen_clock.now + dt.timedelta(minutes=1)
    assert "connection refused" in email.last_error
    assert DBTaskResult.objects.get().run_after == email.next_attempt_at
    # when a task runs early, it does nothing
    email_send_task.call(str(email.public_id))
    email.refresh_from_db()
    assert email.attempts == 1
    # when the second attempt fails, the backoff doubles
    frozen_clock.advance(minutes=1)
    email_send_task.call(str(email.public_id))
    email.refresh_from_db()
    assert (email.status, email.attempts) == (S.QUEUED, 2)
    assert email.next_attempt_at == frozen_clock.now + dt.timedelta(minutes=2)
    # when the last attempt fails, the e-mail is failed and no retry is scheduled
    frozen_clock.advance(minutes=2)
    email_send_task.call(str(email.public_id))
    email.refresh_from_db()
    assert (email.status, email.attempts) == (S.FAILED, 3)
    assert email.next_attempt_at is None
    assert DBTaskResult.objects.count() == 2
    assert AuditEvent.objects.filter(action="notifications.email.failed").count() == 1


@pytest.mark.django_db
def test_unknown_attachment_is_a_recorded_failure_not_an_exception(frozen_clock, locmem_email):
    # given an e-mail whose invoice has no document source (billing not registered)
    email = enqueue_confirmation()
    # when the task runs, then it does not raise and the error is on the row
    email_send_task.call(str(email.public_id))
    email = OutgoingEmail.objects.get(pk=email.pk)
    assert email.status == S.QUEUED
    assert "NotFound" in email.last_error
    assert mail.outbox == []
