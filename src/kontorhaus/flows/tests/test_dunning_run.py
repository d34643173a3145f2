"""Dunning run stories: orders placed on 26 Nov 2026, runs on later days with the clock frozen.
An invoice on account is due 14 days after issue (10 Dec); reminders at due +7, +21, +35."""

import datetime as dt
from decimal import Decimal

import pytest

from kontorhaus.billing.dunning.tests.factories import ORDER_DAY, freeze_day, pay, place
from kontorhaus.billing.models import CreditNote, DunningNotice, PrepaymentReminder
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.dunning_run import dunning_run
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.inventory.selectors import stock_availability
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def _clock():
    yield
    clock.unfreeze()


@pytest.fixture
def article():
    return make_article(stock=10)


def run(day: dt.date, *, dry_run: bool = False):
    freeze_day(day)
    return dunning_run(on=day, actor=TESTER, dry_run=dry_run)


def after_due(days: int) -> dt.date:
    return DUE + dt.timedelta(days=days)


def reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(template="payment_reminder"))


def test_nothing_is_sent_before_seven_days_after_the_due_date(article):
    # given an invoice on account
    place(payment_method="invoice")
    # when the run happens six days after the due date
    plan = run(after_due(6))
    # then nothing is due or sent
    assert plan.notices == ()
    assert not DunningNotice.objects.exists()
    assert reminders() == []


def test_level_one_goes_out_with_the_letter_and_a_second_run_sends_nothing(article):
    # given an unpaid invoice on account
    invoice = place(payment_method="invoice").invoice
    # when the run happens seven days after the due date
    plan = run(after_due(7))
    # then a first reminder for the whole amount is issued and e-mailed with the letter attached
    notice = DunningNotice.objects.get()
    assert plan.done == (notice.number,)
    assert (notice.invoice, notice.level, notice.amount_due, notice.fee) == (invoice, 1, Decimal("44.88"),
                                                                             Decimal("0.00"))
    assert notice.number.startswith("MA-2026-")
    assert (notice.due_date, notice.issue_date) == (DUE, after_due(7))
    email = OutgoingEmail.objects.get(public_id=notice.email_public_id)
    assert email.template == "payment_reminder"
    assert email.attachments == [{"kind": "dunning_letter", "number": notice.number},
                                 {"kind": "invoice", "number": invoice.number}]
    assert email.subject == f"Zahlungserinnerung zu Rechnung {invoice.number}"
    assert "44,88\xa0€" in email.body_text
    assert AuditEvent.objects.filter(action="billing.dunning_notice.issued", subject_id=notice.number).exists()
    # and when the run is repeated the same day, nothing new is sent
    again = run(after_due(7))
    assert again.notices == () and again.done == ()
    assert DunningNotice.objects.count() == 1
    assert len(reminders()) == 1


def test_level_two_comes_only_at_twenty_one_days_with_its_fee(article):
    # given an invoice whose first reminder went out at due +7
    place(payment_method="invoice")
    run(after_due(7))
    # when runs happen at due +20 and due +21
    day_20 = run(after_due(20))
    day_21 = run(after_due(21))
    # then the second level is sent only at due +21, with its fee on top of the open amount
    assert day_20.notices == ()
    assert [(due.level.level, due.amount_due, due.fee, due.total) for due in day_21.notices] == [
        (2, Decimal("44.88"), Decimal("5.00"), Decimal("49.88"))]
    assert list(DunningNotice.objects.values_list("level", "fee")) == [(1, Decimal("0.00")), (2, Decimal("5.00"))]
    body = reminders()[-1].body_text
    assert "1. Mahnung" in reminders()[-1].subject
    assert "Mahngebühr:     5,00\xa0€" in body and "Zu zahlen:      49,88\xa0€" in body


def test_a_paid_invoice_gets_no_reminder(article):
    # given an invoice on account that was paid in full
    order = place(payment_method="invoice").order
    pay(order, "44.88")
    # when the run happens well after the due date
    plan = run(after_due(30))
    # then nothing is sent
    assert plan.notices == ()
    assert reminders() == []


def test_a_partly_paid_invoice_is_reminded_of_the_rest(article):
    # given an invoice on account of which 20.00 were paid
    order = place(payment_method="invoice").order
    pay(order, "20.00")
    # when the run happens at due +7
    run(after_due(7))
    # then the reminder asks for the remaining 24.88
    assert DunningNotice.objects.get().amount_due == Decimal("24.88")
    assert "24,88\xa0€" in reminders()[0].body_text


def test_the_invoice_of_a_cancelled_order_gets_no_reminder(article):
    # given an order on account that was cancelled (its invoice cancelled by a credit note)
    order = place(payment_method="invoice").order
    order_cancel(order=order, actor=TESTER, reason="Kunde storniert")
    # when the run happens at due +7
    plan = run(after_due(7))
    # then nothing is sent
    assert plan.notices == ()
    assert reminders() == []


def test_a_dry_run_shows_the_plan_and_writes_nothing(article):
    # given one overdue invoice and one prepayment order due for its reminder
    invoice = place(payment_method="invoice").invoice
    place(payment_method="prepayment")
    counts = (DunningNotice.objects.count(), PrepaymentReminder.objects.count(), OutgoingEmail.objects.count(),
              AuditEvent.objects.count())
    # when a dry run happens at due +7
    plan = run(after_due(7), dry_run=True)
    # then it lists both but stores and sends nothing
    assert [(due.invoice.number, due.level.level, due.amount_due) for due in plan.notices] == [
        (invoice.number, 1, Decimal("44.88"))]
    assert [item.action for item in plan.prepayment] == ["remind"]
    assert plan.done == ()
    assert counts == (DunningNotice.objects.count(), PrepaymentReminder.objects.count(),
                      OutgoingEmail.objects.count(), AuditEvent.objects.count())


def test_a_real_run_for_a_future_day_is_refused(article):
    # given today is the order day, when a run that sends is asked for next week, then it is refused
    freeze_day(ORDER_DAY)
    with pytest.raises(InvalidInput):
        dunning_run(on=ORDER_DAY + dt.timedelta(days=7), actor=TESTER, dry_run=False)


def test_an_unpaid_prepayment_order_is_reminded_once_then_cancelled_and_its_stock_released(article):
    # given an unpaid prepayment order that reserved 2 of 10 shirts
    order = place(payment_method="prepayment").order
    assert stock_availability(articles=[article])[article.pk].available == 8
    # when runs happen on day 6, twice on day 7 and on day 13
    assert run(ORDER_DAY + dt.timedelta(days=6)).prepayment == ()
    run(ORDER_DAY + dt.timedelta(days=7))
    run(ORDER_DAY + dt.timedelta(days=7))
    day_13 = run(ORDER_DAY + dt.timedelta(days=13))
    # then exactly one reminder went out, and the order is still open
    reminder = PrepaymentReminder.objects.get()
    assert (reminder.order_number, reminder.amount_due, reminder.cancel_on) == (
        order.number, Decimal("44.88"), ORDER_DAY + dt.timedelta(days=14))
    email = OutgoingEmail.objects.get(template="prepayment_reminder")
    assert "stornieren wir die Bestellung" in email.body_text
    assert day_13.prepayment == ()
    # and when the run happens on day 14
    day_14 = run(ORDER_DAY + dt.timedelta(days=14))
    # then the order is cancelled: stock released, credit note issued, customer told
    assert day_14.done == (order.number,)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert stock_availability(articles=[article])[article.pk].available == 10
    assert CreditNote.objects.filter(order_number=order.number).count() == 1
    cancelled = OutgoingEmail.objects.get(template="order_cancelled")
    assert "Zahlung nicht eingegangen" in cancelled.body_text


def test_a_partly_paid_prepayment_order_is_reminded_but_not_cancelled(article):
    # given a prepayment order of which 10.00 were paid
    order = place(payment_method="prepayment").order
    pay(order, "10.00")
    # when runs happen on day 7 and day 14
    run(ORDER_DAY + dt.timedelta(days=7))
    day_14 = run(ORDER_DAY + dt.timedelta(days=14))
    # then the reminder asked for the rest, and the order is kept and flagged, not cancelled
    assert PrepaymentReminder.objects.get().amount_due == Decimal("34.88")
    assert [(item.action, item.amount_due) for item in day_14.prepayment] == [("keep", Decimal("34.88"))]
    assert SalesOrder.objects.get(pk=order.pk).status == "open"


def test_a_prepayment_order_paid_after_its_reminder_is_not_cancelled(article):
    # given a reminded prepayment order that was then paid in full
    order = place(payment_method="prepayment").order
    run(ORDER_DAY + dt.timedelta(days=7))
    pay(order, "44.88")
    # when the run happens on day 14
    plan = run(ORDER_DAY + dt.timedelta(days=14))
    # then nothing happens to it
    assert plan.prepayment == ()
    assert SalesOrder.objects.get(pk=order.pk).status == "open"
