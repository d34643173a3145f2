"""The digital-delivery flow as the shop lives it: paid in the shop, paid later, keys, parking."""

import pytest

from kontorhaus.catalog.models import Article
from kontorhaus.core.models import AuditEvent
from kontorhaus.flows.digital_delivery import digital_delivery_if_paid
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.fulfillment.models import DigitalDelivery, DownloadGrant, LicenceKey
from kontorhaus.fulfillment.services import licence_keys_add
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

from .factories import delivery_emails, download_tokens, make_ebook, pay

pytestmark = pytest.mark.django_db


def test_an_ebook_paid_in_the_shop_is_delivered_at_once():
    # given an e-book with its file
    make_ebook()
    # when an order for it arrives paid in the shop
    order = place_order(lines=[("EBOOK-1", 1, "9.99")], paid=True, shipping_price="").order
    # then the customer gets one e-mail with a download link, and the order counts as delivered
    order.refresh_from_db()
    (email,) = delivery_emails(order)
    assert email.to == "erika@example.com" and email.language == "de"
    assert "Handbuch E-Book" in email.body_text and "5 Downloads" in email.body_text
    assert len(download_tokens(order)) == 1
    assert (order.fulfillment_state, order.readiness) == ("delivered", "nothing_to_ship")
    assert order.lines.get().delivered_quantity == 1
    assert DigitalDelivery.objects.get(order_number=order.number).status == "delivered"
    assert AuditEvent.objects.filter(order_number=order.number, action="fulfillment.digital_delivery.sent").exists()


def test_the_link_in_the_email_opens_the_download_page(client):
    # given an e-book order paid in the shop
    make_ebook()
    order = place_order(lines=[("EBOOK-1", 1, "9.99")], paid=True, shipping_price="").order
    # when the customer follows the link in the e-mail and clicks the button
    (token,) = download_tokens(order)
    page = client.get(f"/d/{token}")
    download = client.post(f"/d/{token}")
    # then the page shows the file and the button serves it
    assert page.status_code == 200 and "ebook-1.pdf" in page.content.decode()
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_in_a_mixed_order_the_physical_part_governs_the_fulfillment_state():
    # given an e-book and a T-shirt in stock
    make_ebook()
    make_article(sku="TSHIRT-M", stock=5)
    # when an order for both arrives paid
    order = place_order(lines=[("EBOOK-1", 1, "9.99"), ("TSHIRT-M", 1, "19.99")], paid=True).order
    # then the e-book is delivered, but the order waits for the parcel
    order.refresh_from_db()
    assert len(delivery_emails(order)) == 1
    assert [line.delivered_quantity for line in order.lines.all()] == [1, 0, 0]
    assert order.fulfillment_state == "released" and order.readiness == "ready"


def test_a_prepayment_order_gets_its_downloads_only_when_paid():
    # given a prepayment order for an e-book, not paid yet
    make_ebook()
    order = place_order(lines=[("EBOOK-1", 2, "9.99")], shipping_price="").order
    assert delivery_emails(order) == [] and not DownloadGrant.objects.exists()
    # when half the money arrives, then the rest
    pay(order, amount="9.99")
    assert delivery_emails(order) == []
    pay(order, amount="9.99")
    # then the download e-mail goes out with the payment that completes it
    order.refresh_from_db()
    assert len(delivery_emails(order)) == 1
    assert (order.payment_state, order.fulfillment_state) == ("paid", "delivered")


def test_a_second_payment_delivers_nothing_again():
    # given an e-book with licence keys, ordered twice over and paid
    make_ebook(keys=5)
    order = place_order(lines=[("EBOOK-1", 2, "9.99")], shipping_price="").order
    pay(order)
    keys = set(LicenceKey.objects.filter(order_number=order.number).values_list("key", flat=True))
    # when another payment arrives (overpaid) and the flow is called again by hand
    pay(order, amount="1.00")
    digital_delivery_if_paid(order=SalesOrder.objects.get(pk=order.pk), actor=TESTER)
    # then there is still one e-mail, the same two keys and one grant
    order.refresh_from_db()
    assert order.payment_state == "overpaid" and order.fulfillment_state == "delivered"
    assert len(delivery_emails(order)) == 1
    assert set(LicenceKey.objects.filter(order_number=order.number).values_list("key", flat=True)) == keys
    assert len(keys) == 2 and DownloadGrant.objects.count() == 1
    assert LicenceKey.objects.filter(order_number="").count() == 3


def test_licence_keys_are_assigned_one_per_unit_and_shown_in_the_email():
    # given an e-book with a pool of three keys
    make_ebook(keys=3)
    # when an order for two copies is paid in the shop
    order = place_order(lines=[("EBOOK-1", 2, "9.99")], paid=True, shipping_price="").order
    # then the first two keys are assigned to units 1 and 2, and both are in the e-mail
    keys = list(LicenceKey.objects.filter(order_number=order.number).order_by("unit"))
    assert [(k.key, k.line_position, k.unit) for k in keys] == [("EBOOK-1-KEY-0001", 1, 1), ("EBOOK-1-KEY-0002", 1, 2)]
    body = delivery_emails(order)[0].body_text
    assert "Lizenzschlüssel 1: EBOOK-1-KEY-0001" in body and "Lizenzschlüssel 2: EBOOK-1-KEY-0002" in body


def test_an_empty_key_pool_parks_the_delivery_until_keys_are_added():
    # given an e-book with one key left, and a paid order for two
    make_ebook(keys=1)
    order = place_order(lines=[("EBOOK-1", 2, "9.99")], paid=True, shipping_price="").order
    # then nothing is delivered: no e-mail, no grant, the one key stays in the pool, the reason is recorded
    order.refresh_from_db()
    delivery = DigitalDelivery.objects.get(order_number=order.number)
    assert delivery.status == "parked" and "no licence keys left for EBOOK-1" in delivery.reason
    assert delivery_emails(order) == [] and not DownloadGrant.objects.exists()
    assert LicenceKey.objects.filter(order_number="").count() == 1
    assert order.fulfillment_state == "unfulfilled"
    parked = AuditEvent.objects.filter(order_number=order.number, action="fulfillment.digital_delivery.parked")
    assert parked.count() == 1
    # when keys are added and the delivery is run again
    licence_keys_add(article=Article.objects.get(sku="EBOOK-1"),
                     keys=["NEW-1", "NEW-2"], actor=TESTER)
    digital_delivery_if_paid(order=order, actor=TESTER)
    # then it is delivered with two keys
    order.refresh_from_db()
    assert DigitalDelivery.objects.get(order_number=order.number).status == "delivered"
    assert LicenceKey.objects.filter(order_number=order.number).count() == 2
    assert len(delivery_emails(order)) == 1 and order.fulfillment_state == "delivered"


@pytest.mark.parametrize("case", ["unpaid", "cancelled"])
def test_nothing_is_delivered_for_an_unpaid_or_cancelled_order(case):
    # given an e-book order that is unpaid, or cancelled
    make_ebook(keys=2)
    order = place_order(lines=[("EBOOK-1", 1, "9.99")], shipping_price="").order
    if case == "cancelled":
        order_cancel(order=order, actor=TESTER)
    # when the flow runs
    result = digital_delivery_if_paid(order=SalesOrder.objects.get(pk=order.pk), actor=TESTER)
    # then nothing is delivered
    assert result is None
    assert delivery_emails(order) == [] and not DownloadGrant.objects.exists()
    assert not LicenceKey.objects.exclude(order_number="").exists()


def test_an_order_without_digital_lines_costs_no_query(django_assert_num_queries):
    # given a physical order as the intake returns it (lines loaded)
    make_article(sku="TSHIRT-M", stock=5)
    order = place_order(paid=True).order
    # then asking for digital delivery needs no query
    with django_assert_num_queries(0):
        assert digital_delivery_if_paid(order=order, actor=TESTER) is None

