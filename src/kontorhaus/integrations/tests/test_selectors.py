import pytest

from kontorhaus.integrations.selectors import inbound_event_list_for_order, inbound_event_parked_list
from kontorhaus.integrations.services import EventReceipt, inbound_event_record, inbound_event_settle
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db


def store(external_id: str, status: str, order_number: str = "") -> None:
    event, created = inbound_event_record(receipt=EventReceipt(provider="stripe", external_id=external_id,
                                                               event_type="checkout.session.completed", body="{}",
                                                               headers={}))
    assert created
    inbound_event_settle(event=event, status=status, reason=f"{status} for a test", order_number=order_number,
                         actor=TESTER)


def test_the_parked_list_holds_only_parked_events_oldest_first(django_assert_num_queries):
    # given events in every final state
    store("evt_a", "parked")
    store("evt_b", "processed", "AU-2026-000001")
    store("evt_c", "ignored")
    store("evt_d", "parked", "AU-2026-000001")
    # when the back office lists what waits for a person
    with django_assert_num_queries(1):
        parked = [e.external_id for e in inbound_event_parked_list()]
    # then
    assert parked == ["evt_a", "evt_d"]
    assert [e.external_id for e in inbound_event_list_for_order(order_number="AU-2026-000001")] == ["evt_b", "evt_d"]


def test_recording_the_same_event_twice_returns_the_stored_one():
    first, created = inbound_event_record(receipt=EventReceipt("paypal", "WH-1", "PAYMENT.CAPTURE.COMPLETED", "{}", {}))
    again, created_again = inbound_event_record(receipt=EventReceipt("paypal", "WH-1", "X", "{ }", {}))
    assert (created, created_again, again.pk, again.event_type) == (True, False, first.pk, "PAYMENT.CAPTURE.COMPLETED")
