import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from kontorhaus.notifications.journal import journal_append
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.notifications.services import email_sweep
from kontorhaus.notifications.states import OutgoingEmailStatus

from .test_services_enqueue import enqueue_confirmation

S = OutgoingEmailStatus


def crash_while_sending(email, at):
    """What a worker killed mid-send leaves behind."""
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=S.SENDING, attempts=1, sending_started_at=at, next_attempt_at=None
    )


@pytest.mark.django_db
def test_sweep_requeues_a_stale_sending_row(frozen_clock, settings):
    # given a row left in "sending" by a killed worker, its task already consumed
    settings.KONTORHAUS = {**settings.KONTORHAUS, "EMAIL_SENDING_LEASE_SECONDS": 300}
    email = enqueue_confirmation()
    DBTaskResult.objects.all().delete()
    crash_while_sending(email, frozen_clock.now)
    # when the sweep runs within the lease, then it leaves the row alone
    assert email_sweep() == 0
    # when the sweep runs after the lease
    frozen_clock.advance(seconds=301)
    assert email_sweep() == 1
    # then the row is queued again with a new task
    email.refresh_from_db()
    assert email.status == S.QUEUED
    assert email.next_attempt_at == frozen_clock.now
    assert DBTaskResult.objects.get().args_kwargs["args"] == [str(email.public_id)]


@pytest.mark.django_db
def test_sweep_fails_a_stale_row_without_attempts_left(frozen_clock, settings):
    # given a stale "sending" row that used its last attempt
    settings.KONTORHAUS = {**settings.KONTORHAUS, "EMAIL_MAX_ATTEMPTS": 1}
    email = enqueue_confirmation()
    crash_while_sending(email, frozen_clock.now - dt.timedelta(hours=1))
    # when the sweep runs, then the row is failed
    email_sweep()
    email.refresh_from_db()
    assert email.status == S.FAILED


@pytest.mark.django_db
def test_sweep_leaves_a_row_alone_whose_task_is_still_waiting(frozen_clock):
    # given a queued row whose task is still in the queue (a long backlog, not a lost task)
    enqueue_confirmation()
    # when the sweep runs much later
    frozen_clock.advance(minutes=30)
    # then it adds no second task
    assert email_sweep() == 0
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_sweep_reenqueues_overdue_queued_rows_once_a_minute(frozen_clock):
    # given a queued row whose task was lost
    enqueue_confirmation()
    DBTaskResult.objects.all().delete()
    # when the sweep runs before the grace minute, nothing happens
    assert email_sweep() == 0
    # when it runs later, one task is enqueued, and not again right after
    frozen_clock.advance(minutes=2)
    assert email_sweep() == 1
    assert email_sweep() == 0
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_worker_batch_sends_queued_email_and_sweeps(invoice_source, locmem_email):
    # given one freshly queued e-mail and one left in "sending" by a crash long ago
    fresh = enqueue_confirmation()
    stale = enqueue_confirmation()
    DBTaskResult.objects.filter(args_kwargs__args=[str(stale.public_id)]).delete()
    crash_while_sending(stale, fresh.created_at - dt.timedelta(hours=1))
    # when the worker runs in batch mode
    call_command("kontorhaus_worker", "--batch")
    # then both are sent, each once
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {S.SENT}
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_sweep_marks_a_journaled_row_sent_instead_of_sending_it_again(frozen_clock, settings, tmp_path):
    # given a row the SMTP server accepted, whose worker died before it could record that
    settings.KONTORHAUS = {**settings.KONTORHAUS, "OUTBOX_JOURNAL": str(tmp_path / "sent.journal")}
    email = enqueue_confirmation()
    DBTaskResult.objects.all().delete()
    crash_while_sending(email, frozen_clock.now - dt.timedelta(hours=1))
    journal_append(str(email.public_id))
    # when the sweep runs
    assert email_sweep() == 0
    # then it is sent, and no task to send it again exists
    email.refresh_from_db()
    assert email.status == S.SENT
    assert not DBTaskResult.objects.exists()
