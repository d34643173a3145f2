"""The dunning letter: rendered from the notice by Typst as PDF/A-3b, and sent with the e-mail."""

import datetime as dt

import pytest
from django.core import mail

from kontorhaus.billing.dunning.snapshots import dunning_letter_snapshot
from kontorhaus.billing.models import DunningNotice
from kontorhaus.core import clock
from kontorhaus.documents.rendering import PRESENTERS
from kontorhaus.documents.services import document_render
from kontorhaus.documents.tests.pdfcheck import pdf_chunks, pdfa_conformance, pdfa_part
from kontorhaus.flows.dunning_run import dunning_run
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.notifications.services_send import email_send
from kontorhaus.sales.tests.factories import TESTER, make_article

from .factories import freeze_day, place

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def _clock():
    yield
    clock.unfreeze()


def remind(*, language: str = "de", levels: int = 1) -> list[DunningNotice]:
    make_article(stock=10)
    place(payment_method="invoice", language=language)
    for days in (7, 21, 35)[:levels]:
        freeze_day(DUE + dt.timedelta(days=days))
        dunning_run(on=clock.today(), actor=TESTER, dry_run=False)
    return list(DunningNotice.objects.order_by("level"))


def contains(pdf: bytes, text: str) -> bool:
    return any(text.encode() in chunk for chunk in pdf_chunks(pdf))


def test_the_first_reminder_renders_as_pdfa_with_its_title():
    # given a first reminder
    notice = remind()[0]
    # when its letter is rendered
    pdf = bytes(document_render(kind="dunning_letter", number=notice.number).pdf)
    # then it is a PDF/A-3b titled "Zahlungserinnerung <number>"
    assert pdf.startswith(b"%PDF-")
    assert (pdfa_part(pdf), pdfa_conformance(pdf)) == ("3", "B")
    assert contains(pdf, f"Zahlungserinnerung {notice.number}")


def test_the_second_level_prints_the_fee_beside_the_unchanged_invoice_amount():
    # given a second-level notice (fee 5.00) for an invoice of 44.88
    notice = remind(levels=2)[1]
    # when its print data is made
    data = PRESENTERS["dunning_letter"](dunning_letter_snapshot(notice.number))
    # then the invoice amount is printed unchanged, the fee beside it, and the sum to pay
    assert data["title"] == "1. Mahnung"
    assert data["lines"][0]["unit_price"] == "44,88\xa0€"
    assert data["totals"] == [["Offener Betrag", "44,88\xa0€"], ["Mahngebühr", "5,00\xa0€"]]
    assert data["grand_total"] == ["Zu zahlender Betrag", "49,88\xa0€"]
    assert notice.invoice.total_gross == notice.amount_due  # the issued invoice did not change
    assert contains(bytes(document_render(kind="dunning_letter", number=notice.number).pdf),
                    f"1. Mahnung {notice.number}")


def test_an_english_customer_gets_an_english_letter():
    # given an English customer's first reminder
    notice = remind(language="en")[0]
    # when its print data is made, then labels and amounts are English
    data = PRESENTERS["dunning_letter"](dunning_letter_snapshot(notice.number))
    assert data["title"] == "Payment reminder"
    assert data["grand_total"] == ["Amount to pay", "€44.88"]
    assert contains(bytes(document_render(kind="dunning_letter", number=notice.number).pdf),
                    f"Payment reminder {notice.number}")


def test_the_reminder_email_carries_the_letter_and_the_invoice(settings):
    # given a queued first reminder
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notice = remind()[0]
    email = OutgoingEmail.objects.get(public_id=notice.email_public_id)
    # when the worker sends it
    email_send(email_id=str(email.public_id))
    # then the customer gets both PDFs
    sent = mail.outbox[-1]
    assert [name for name, _, _ in sent.attachments] == [f"{notice.number}.pdf", f"{notice.invoice.number}.pdf"]
    assert all(content.startswith(b"%PDF-") for _, content, _ in sent.attachments)
