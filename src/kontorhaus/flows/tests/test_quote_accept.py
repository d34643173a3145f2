"""Quote -> order: accepted once, with the quote's prices; sent with the PDF attached."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from kontorhaus.billing.models import Invoice
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidTransition, NotFound
from kontorhaus.documents.models import Document
from kontorhaus.documents.services import document_render
from kontorhaus.flows.quote_accept import quote_accept
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.notifications.tasks import email_send_task
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.services_quotes import quote_decline, quote_send
from kontorhaus.sales.states_quotes import QuoteStatus
from kontorhaus.sales.tests.factories import TESTER
from kontorhaus.sales.tests.factories_quotes import make_quote, two_articles

pytestmark = pytest.mark.django_db

LINES = (("DESK", 3, "100.00", "10"), ("BOOK", 2, "24.99", "0"))


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "shop@kontorhaus.example"


def test_accepting_a_sent_quote_places_the_order_at_the_quoted_prices(settings):
    # given a sent, net-priced quote with discounts
    settings.KONTORHAUS = {**settings.KONTORHAUS, "INVOICE_POLICY": "at_order"}
    two_articles()
    quote = quote_send(quote=make_quote(lines=LINES, discount="5"), actor=TESTER)
    # when it is accepted
    result = quote_accept(quote=quote, actor=TESTER)
    # then one order with the quote's discounted prices, totals, currency and price basis
    order = result.order
    assert result.created and result.quote.status == QuoteStatus.ACCEPTED
    assert result.quote.order_number == order.number and result.quote.accepted_at is not None
    assert (order.channel, order.external_id) == ("quote", quote.number)
    assert order.prices_include_vat is False and order.currency == "EUR"
    assert [line.unit_price for line in order.lines.all()] == [Decimal("85.5000"), Decimal("23.7405")]
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("303.98"), Decimal("52.06"), Decimal("356.04"))
    assert order.payment_method == "invoice"
    # and what follows every order: the invoice and the confirmation with it
    assert Invoice.objects.get(order_number=order.number).total_gross == Decimal("356.04")
    confirmation = OutgoingEmail.objects.get(template="order_confirmation")
    assert confirmation.attachments == [{"kind": "invoice", "number": result.invoice.number}]


def test_accepting_twice_gives_the_same_order():
    two_articles()
    quote = make_quote()  # a draft: the operator accepts on the customer's word
    first = quote_accept(quote=quote, actor=TESTER)
    second = quote_accept(quote=quote, actor=TESTER)  # a stale copy, a double click
    assert second.order.number == first.order.number
    assert (first.created, second.created) == (True, False)
    assert SalesOrder.objects.count() == 1
    assert OutgoingEmail.objects.filter(template="order_confirmation").count() == 1


def test_an_expired_quote_cannot_be_accepted():
    # given a quote sent with ten days' validity, eleven days ago
    two_articles()
    clock.freeze(dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC))
    try:
        quote = quote_send(quote=make_quote(valid_days=10), actor=TESTER)
        clock.freeze(dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC))
        # when it is accepted, then a clear error and no order
        with pytest.raises(InvalidTransition, match="expired on 2026-11-11") as error:
            quote_accept(quote=quote, actor=TESTER)
    finally:
        clock.unfreeze()
    assert error.value.code == "quote_expired"
    assert not SalesOrder.objects.exists()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT


def test_a_declined_quote_cannot_be_accepted():
    two_articles()
    quote = quote_decline(quote=make_quote(), actor=TESTER)
    with pytest.raises(InvalidTransition) as error:
        quote_accept(quote=quote, actor=TESTER)
    assert error.value.code == "quote_not_acceptable"
    assert not SalesOrder.objects.exists()


def test_sending_emails_the_quote_pdf_and_stores_it_once_sent(locmem):
    # given a draft quote in English
    two_articles()
    quote = make_quote(lines=LINES, language="en")
    # then a draft's PDF is never stored (it may still change)
    with pytest.raises(NotFound):
        document_render(kind="quote", number=quote.number)
    # when it is sent and the worker sends the e-mail
    quote_send(quote=quote, actor=TESTER)
    email = OutgoingEmail.objects.get(template="quote")
    email_send_task.call(str(email.public_id))
    # then the customer got the PDF, and it is stored as sent
    (message,) = mail.outbox
    assert message.to == ["einkauf@example.com"]
    assert message.subject.startswith(f"Your quote {quote.number}")
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"{quote.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert bytes(Document.objects.get(kind="quote", number=quote.number).pdf) == content
