"""The foundation's story, told once end to end: a shop order comes in, stock is reserved,
the invoice is issued and e-mailed with its PDF by the worker, the customer pays, and a
second order is cancelled with a credit note. Totals, states and numbers are checked at
each step."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from kontorhaus.billing.models import Invoice
from kontorhaus.billing.services import PaymentData
from kontorhaus.core import clock
from kontorhaus.core.models import AuditEvent
from kontorhaus.documents.selectors import document_get
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.inventory.selectors import stock_availability, stock_reconcile
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes connections like a real one
YEAR = clock.today().year


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_order_to_paid_and_a_cancelled_order(settings):
    # given a T-shirt (19 %) with 5 in stock and a book (7 %) without stock
    shirt = make_article(sku="TSHIRT-M", stock=5)
    book = make_article(sku="BUCH-1", vat_class="reduced", name="Buch über Kaffee")

    # when the shop sends an order: 2 shirts at 19.99, 1 book at 12.00, shipping 4.90, all incl. VAT
    order = place_order(lines=[("TSHIRT-M", 2, "19.99"), ("BUCH-1", 1, "12.00")]).order

    # then the order total is what the customer paid in the shop, to the cent
    assert order.number.startswith(f"AU-{YEAR}-")
    assert order.total_gross == Decimal("56.88")
    assert (order.total_net, order.total_vat) == (Decimal("48.92"), Decimal("7.96"))
    assert [(b["rate"], b["gross"]) for b in order.tax_breakdown] == [("19.00", "44.88"), ("7.00", "12.00")]
    # the shirts are reserved, the book is backordered
    lines = {line.sku: line for line in order.lines.all()}
    assert (lines["TSHIRT-M"].reserved_quantity, lines["BUCH-1"].backordered_quantity) == (2, 1)
    assert stock_availability(articles=[shirt])[shirt.pk].available == 3
    # the invoice is issued with the order's figures
    invoice = Invoice.objects.get(order_number=order.number)
    assert invoice.number == f"RE-{YEAR}-000001"
    assert sum(line.net for line in invoice.lines.all()) == invoice.total_net
    assert invoice.total_net + invoice.total_vat == invoice.total_gross == Decimal("56.88")

    # when the worker runs
    call_command("kontorhaus_worker", "--batch")

    # then the confirmation went out once, in German, with the invoice PDF attached
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert order.number in sent.subject and sent.to == ["erika@example.com"]
    assert sent.attachments[0][0] == f"{invoice.number}.pdf"
    assert sent.attachments[0][1] == bytes(document_get("invoice", invoice.number).pdf)
    assert OutgoingEmail.objects.get().status == "sent"
    call_command("kontorhaus_worker", "--batch")
    assert len(mail.outbox) == 1

    # when the customer pays by bank transfer in two parts
    for amount in ("50.00", "6.88"):
        payment_received(order=order, actor=TESTER, data=PaymentData(
            order_number=order.number, amount=Decimal(amount), currency="EUR", method="prepayment",
            source="bank", external_id=f"bank-{amount}"))
        order.refresh_from_db()
        assert order.payment_state == ("partially_paid" if amount == "50.00" else "paid")

    # and a second order is cancelled by the customer
    second = place_order(lines=[("TSHIRT-M", 3, "19.99")], email="max@example.com").order
    assert stock_availability(articles=[shirt])[shirt.pk].available == 0
    order_cancel(order=second, actor=TESTER, reason="Kunde hat storniert")

    # then its stock is back, its invoice is cancelled by a credit note of the same amount
    second.refresh_from_db()
    assert second.status == "cancelled"
    assert stock_availability(articles=[shirt])[shirt.pk].available == 3
    second_invoice = Invoice.objects.get(order_number=second.number)
    assert second_invoice.number == f"RE-{YEAR}-000002"
    assert second_invoice.status == "cancelled"
    note = second_invoice.credit_notes.get()
    assert (note.number, note.total_gross) == (f"GS-{YEAR}-000001", Decimal("64.87"))
    call_command("kontorhaus_worker", "--batch")
    cancellation = mail.outbox[-1]
    assert second.number in cancellation.subject
    assert cancellation.attachments[0][0] == f"{note.number}.pdf"
    # and every step is on the timeline
    timeline = list(AuditEvent.objects.filter(order_number=second.number).values_list("action", flat=True))
    assert timeline[:7] == [
        "inventory.stock.reserved", "sales.order.placed", "billing.invoice.issued",
        "sales.order.cancelled", "inventory.reservation.released", "billing.invoice.cancelled",
        "billing.credit_note.issued",
    ]
    assert sorted(timeline[7:]) == sorted([
        "documents.document.rendered", "documents.document.rendered",
        "notifications.email.sent", "notifications.email.sent",
    ])
    assert stock_reconcile() == []
    assert book.pk
