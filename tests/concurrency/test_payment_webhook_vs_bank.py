"""The same invoice settled by a card payment (Stripe webhook, over HTTP to the live server)
and by a bank transfer (bank statement import) at the same moment: one of them is booked, the
order is paid, and the other waits for a person with the reason — never an overpayment.

Both book under the order's row lock and look at what is still due after taking it; on SQLite
the write lock serialises the two transactions, on PostgreSQL the row lock does (and the bank
import, which read the open invoices before, finds out under the lock)."""

import hashlib
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from kontorhaus.billing.bank.tests.factories import statement, tx
from kontorhaus.billing.models import BankTransaction, Payment
from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.core.audit import Actor
from kontorhaus.flows.bank_statement_import import bank_statement_import
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.flows.psp_payment import PspPayment, psp_payment_received
from kontorhaus.integrations.models import InboundEvent
from kontorhaus.integrations.tests.psp import STRIPE_SECRET, stripe_headers, stripe_session_completed
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_lock
from kontorhaus.sales.tests.factories import make_article, place_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
BANK = Actor("system", "bank-import")
PAID_ELSEWHERE = ("already paid", "paid in the meantime")


@pytest.fixture
def stripe_secret(settings):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET}


def post_webhook(url: str, payload: bytes) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json",
               "Stripe-Signature": stripe_headers(payload)["HTTP_STRIPE_SIGNATURE"]}
    request = urllib.request.Request(f"{url}/webhooks/stripe", data=payload, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # our live server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def import_bank_line(invoice_number: str, key: str) -> None:
    line = tx(f"Rechnung {invoice_number}", "44.88", key=key)
    bank_statement_import(statements=[statement(line, statement_id=f"STMT-{key}")],
                          file_sha256=hashlib.sha256(key.encode()).hexdigest(), actor=BANK)


def in_thread(target: Callable[[], object], results: list) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def assert_booked_once(order: SalesOrder) -> None:
    assert Payment.objects.filter(order_number=order.number).count() == 1
    assert SalesOrder.objects.get(pk=order.pk).payment_state == "paid"


def test_a_card_webhook_and_a_bank_line_for_the_same_invoice_at_once_book_one_payment(live_server, stripe_secret):
    make_article(sku="TSHIRT-M")
    for round_ in range(4):
        # given an unpaid order of 44.88 EUR with its invoice
        placed = place_order()
        order, invoice = placed.order, placed.invoice
        payload = stripe_session_completed(reference=order.number, event_id=f"evt_race_{round_}")
        payload = payload.replace(b"pi_1PgafyB7WZ01zgkWSjxsAJo3", f"pi_race_{round_}".encode())
        barrier, results = threading.Barrier(2), []

        def webhook(payload=payload, barrier=barrier):
            barrier.wait(timeout=30)
            return post_webhook(live_server.url, payload)

        def bank(invoice=invoice, barrier=barrier, round_=round_):
            barrier.wait(timeout=30)
            import_bank_line(invoice.number, f"RACE-{round_}")

        # when the card payment's webhook and the bank statement arrive at the same moment
        threads = [in_thread(webhook, results), in_thread(bank, results)]
        for thread in threads:
            thread.join(timeout=120)
        # then one payment is booked, the order is paid, and the other side waits with the reason
        assert (200, ) == tuple({r[0] for r in results if isinstance(r, tuple)}), results
        assert_booked_once(order)
        event = InboundEvent.objects.get(external_id=f"evt_race_{round_}")
        line = BankTransaction.objects.get(entry_key=f"RACE-{round_}")
        booked = Payment.objects.get(order_number=order.number)
        if booked.source == PaymentSource.PSP:
            assert (event.status, line.status) == ("processed", "review")
            assert any(words in line.reason for words in PAID_ELSEWHERE), line.reason
        else:
            assert (event.status, line.status) == ("parked", "booked")
            assert "paid in the meantime by bank" in event.reason


def test_a_bank_line_matched_before_the_card_payment_committed_waits_for_review():
    # given an unpaid order whose row the card payment holds while it books
    make_article(sku="TSHIRT-M")
    placed = place_order()
    results: list = []
    with transaction.atomic():
        order_lock(order=placed.order)
        # when the bank import starts meanwhile (on PostgreSQL it reads the invoice as open and
        # waits for the row; on SQLite it waits for the write lock)
        bank = in_thread(lambda: import_bank_line(placed.invoice.number, "STALE-1"), results)
        time.sleep(0.5)
        card = PspPayment(provider="stripe", payment_id="pi_first", reference=placed.order.number,
                          amount=placed.order.total_gross, currency="EUR", method="card")
        assert psp_payment_received(payment=card, actor=BANK).status == "processed"
    bank.join(timeout=60)
    # then the card payment is the one booked, and the bank line waits with the reason
    assert_booked_once(placed.order)
    line = BankTransaction.objects.get(entry_key="STALE-1")
    assert line.status == "review"
    if connection.vendor == "postgresql":
        assert line.reason.startswith(f"{placed.invoice.number} was paid in the meantime by psp 44.88 EUR "
                                      "(stripe:pi_first)"), line.reason
    else:
        assert any(words in line.reason for words in PAID_ELSEWHERE), line.reason


def test_a_card_webhook_arriving_while_the_bank_payment_books_is_parked(live_server, stripe_secret):
    # given an unpaid order whose row a bank booking holds
    make_article(sku="TSHIRT-M")
    placed = place_order()
    payload = stripe_session_completed(reference=placed.order.number, event_id="evt_late")
    results: list = []
    with transaction.atomic():
        order_lock(order=placed.order)
        # when the webhook arrives meanwhile
        webhook = in_thread(lambda: post_webhook(live_server.url, payload), results)
        time.sleep(0.5)
        data = PaymentData(order_number=placed.order.number, amount=placed.order.total_gross, currency="EUR",
                           method="prepayment", source=PaymentSource.BANK, external_id="bank:DE02:LATE:RE")
        payment_received(order=placed.order, data=data, actor=BANK)
    webhook.join(timeout=60)
    # then it is acknowledged and parked: the bank payment stays the only one
    assert results[0][0] == 200
    assert_booked_once(placed.order)
    event = InboundEvent.objects.get(external_id="evt_late")
    assert event.status == "parked"
    assert "paid in the meantime by bank (44.88 EUR, bank:DE02:LATE:RE)" in event.reason
