"""The two read helpers the order page uses from core and notifications."""

import pytest

from kontorhaus.core.selectors import audit_event_list_for_order
from kontorhaus.notifications.selectors import email_list_for_order

from .factories import make_article, make_order

pytestmark = pytest.mark.django_db


def test_timeline_and_emails_belong_to_the_order_oldest_first():
    # given
    make_article("TSHIRT-M", stock=5)
    order = make_order(paid=True)
    other = make_order(email="otto@example.com")

    # when
    events = audit_event_list_for_order(order_number=order.number)
    emails = email_list_for_order(order_number=order.number)

    # then
    assert [e.action for e in events][:2] == ["inventory.stock.reserved", "sales.order.placed"]
    assert {e.order_number for e in events} == {order.number}
    assert [(e.template, e.to) for e in emails] == [("order_confirmation", "erika@example.com")]
    assert audit_event_list_for_order(order_number=other.number)[0].order_number == other.number


def test_empty_order_number_finds_nothing():
    assert audit_event_list_for_order(order_number="") == []
    assert email_list_for_order(order_number="") == []
