"""The back office around digital delivery: the order page's section, "Deliver now" for a
parked delivery, and the admin pages that upload files and add licence keys."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from kontorhaus.fulfillment.models import DigitalAsset, DigitalDelivery, LicenceKey
from kontorhaus.sales.tests.factories import make_article, place_order

from .factories import delivery_emails, make_ebook

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("chef", password="x" * 12))
    return client


def test_the_order_page_shows_grants_and_keys(admin_client):
    # given a delivered e-book with a licence key
    make_ebook(keys=2)
    order = place_order(lines=[("EBOOK-1", 1, "9.99")], paid=True, shipping_price="").order
    # when the order page is opened
    html = admin_client.get(f"/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # then it shows the grant's downloads and the assigned key
    assert 'id="digital"' in html and "0 / 5" in html and "EBOOK-1-KEY-0001" in html
    assert "Download links sent" in html


def test_a_parked_delivery_is_shown_and_delivered_from_the_order_page_once_keys_are_added(admin_client):
    # given a paid order parked for want of licence keys
    article = make_ebook(keys=1)
    order = place_order(lines=[("EBOOK-1", 2, "9.99")], paid=True, shipping_price="").order
    html = admin_client.get(f"/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Parked:" in html and "no licence keys left for EBOOK-1" in html
    # when keys are added in the admin and the clerk clicks "Deliver now"
    response = admin_client.post("/admin/fulfillment/licencekey/add-keys/",
                                 {"article": article.pk, "keys": "NEU-1\nNEU-2\n\nEBOOK-1-KEY-0001\n"})
    assert response.status_code == 302
    assert LicenceKey.objects.filter(order_number="").count() == 3
    response = admin_client.post(f"/orders/{order.number}/digital-delivery/", HTTP_ACCEPT_LANGUAGE="en")
    # then the order is delivered with two keys and one e-mail
    assert response.status_code == 302
    assert DigitalDelivery.objects.get(order_number=order.number).status == "delivered"
    assert LicenceKey.objects.filter(order_number=order.number).count() == 2
    assert len(delivery_emails(order)) == 1


def test_deliver_now_on_an_order_without_anything_to_deliver_changes_nothing(admin_client):
    make_article(sku="TSHIRT-M", stock=1)
    order = place_order().order
    response = admin_client.post(f"/orders/{order.number}/digital-delivery/", follow=True,
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert "Nothing to deliver" in response.content.decode()
    assert not DigitalDelivery.objects.exists()


def test_the_admin_uploads_the_file_of_a_digital_article(admin_client):
    # given an e-book without a file
    article = make_ebook(asset=False)
    # when the file is uploaded in the admin
    upload = SimpleUploadedFile("Handbuch.pdf", b"%PDF-1.7 upload", content_type="application/pdf")
    response = admin_client.post("/admin/fulfillment/digitalasset/add/", {"article": article.pk, "upload": upload})
    # then it is stored with its size and hash
    assert response.status_code == 302, response.content.decode()[:2000]
    asset = DigitalAsset.objects.get(article=article)
    assert (asset.filename, asset.size, bytes(asset.content)) == ("Handbuch.pdf", 15, b"%PDF-1.7 upload")
