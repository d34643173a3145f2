import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from kontorhaus.notifications.models import EmailTemplate, OutgoingEmail
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.notifications.states import OutgoingEmailStatus

from .conftest import order_context


def enqueue_confirmation(language="de", **kwargs):
    return email_enqueue(
        template=EmailTemplate.ORDER_CONFIRMATION,
        to="joerg@example.com",
        language=language,
        context=order_context(),
        attachments=[{"kind": "invoice", "number": "RE-2026-000001"}],
        related_type="sales.order",
        related_ref="AU-2026-000001",
        order_number="AU-2026-000001",
        **kwargs,
    )


@pytest.mark.django_db
def test_enqueue_renders_german(frozen_clock):
    # when an order confirmation is queued in German
    email = enqueue_confirmation("de")
    # then the row holds the rendered German texts and waits for its task
    assert email.status == OutgoingEmailStatus.QUEUED
    assert email.subject == "Ihre Bestellung AU-2026-000001 bei Kontorhaus Demo"
    assert "Hallo Jörg Müßiggang," in email.body_text
    assert "am 26. November 2026 um 10:30 Uhr" in email.body_text  # Europe/Berlin
    assert "1 × Tasse <Kontorhaus>  9,90 €" in email.body_text
    assert "Gesamtbetrag: 49,88 €" in email.body_text
    assert "Tasse &lt;Kontorhaus&gt;" in email.body_html
    assert email.attachments == [{"kind": "invoice", "number": "RE-2026-000001"}]
    assert email.message_id == f"<{email.public_id}@kontorhaus.example>"
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [str(email.public_id)]


@pytest.mark.django_db
def test_enqueue_renders_english(frozen_clock):
    # when the same e-mail is queued in English (with a regional code)
    email = enqueue_confirmation("en-GB")
    # then the English templates are used
    assert email.language == "en"
    assert email.subject == "Your order AU-2026-000001 at Kontorhaus Demo"
    assert "We received it on 26 November 2026 at 10:30" in email.body_text
    assert "Total: 49,88 €" in email.body_text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_cancellation_renders(language):
    # when a cancellation is queued
    email = email_enqueue(
        template=EmailTemplate.ORDER_CANCELLED,
        to="joerg@example.com",
        language=language,
        context={"order_number": "AU-2026-000007", "customer_name": "Jörg", "shop_name": "Kontorhaus Demo"},
    )
    # then subject and bodies name the order
    assert "AU-2026-000007" in email.subject
    assert "AU-2026-000007" in email.body_text
    assert "AU-2026-000007" in email.body_html


@pytest.mark.django_db
def test_rolled_back_business_transaction_leaves_no_email_and_no_task():
    # given a business transaction that fails after queueing the e-mail
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_confirmation()
        raise RuntimeError("order intake failed")
    # then neither the row nor its task exists
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
