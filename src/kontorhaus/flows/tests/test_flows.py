import pytest

from kontorhaus.billing.models import CreditNote, Invoice
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db


def test_cancelling_from_a_stale_copy_twice_sends_one_cancellation():
    # given an order, loaded twice (two clicks, or an API retry)
    make_article(stock=5)
    order = place_order().order
    first_copy, second_copy = SalesOrder.objects.get(pk=order.pk), SalesOrder.objects.get(pk=order.pk)
    # when both copies are cancelled
    order_cancel(order=first_copy, actor=TESTER, reason="Doppelklick")
    order_cancel(order=second_copy, actor=TESTER, reason="Doppelklick")
    # then one cancellation e-mail and one credit note
    assert OutgoingEmail.objects.filter(template="order_cancelled").count() == 1
    assert CreditNote.objects.filter(order_number=order.number).count() == 1


def test_the_confirmation_names_date_time_and_shipping(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_article(stock=5)
    place_order(lines=[("TSHIRT-M", 1, "19.99")], shipping_price="4.90")
    body = OutgoingEmail.objects.get().body_text
    assert "am 26. November 2026 um 10:15 Uhr" in body
    assert "Versand  4,90\xa0€" in body
    assert "Gesamtbetrag: 24,89\xa0€" in body
    assert "Vorkasse" in body


def test_with_invoicing_at_shipment_the_intake_issues_no_invoice(settings):
    # given the shop invoices at shipment rather than at order
    settings.KONTORHAUS = {**settings.KONTORHAUS, "INVOICE_POLICY": "at_shipment"}
    make_article(stock=5)
    # when an order comes in
    result = place_order()
    # then there is no invoice yet, and the confirmation has no attachment
    assert result.invoice is None
    assert not Invoice.objects.exists()
    email = OutgoingEmail.objects.get()
    assert email.attachments == []
    assert "Rechnung" not in email.body_text
