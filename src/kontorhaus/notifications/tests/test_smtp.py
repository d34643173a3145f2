import email as email_lib
from email import policy

import pytest
from django.core.management import call_command

from kontorhaus.notifications.states import OutgoingEmailStatus

from .test_services_enqueue import enqueue_confirmation


@pytest.mark.django_db(transaction=True)
def test_real_smtp_delivers_exactly_one_message_with_the_invoice(invoice_source, smtp_server):
    # given a queued order confirmation and a real SMTP server on localhost
    queued = enqueue_confirmation()
    # when the worker runs (twice, as a duplicate run would)
    call_command("kontorhaus_worker", "--batch")
    call_command("kontorhaus_worker", "--batch")
    # then the server received exactly one message, with the PDF attached
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.rcpt_to == ["TO:<joerg@example.com>"]
    message = email_lib.message_from_bytes(received.data, policy=policy.default)
    assert message["Message-ID"] == queued.message_id
    assert message["Subject"] == "Ihre Bestellung AU-2026-000001 bei Kontorhaus Demo"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "RE-2026-000001.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    queued.refresh_from_db()
    assert queued.status == OutgoingEmailStatus.SENT
