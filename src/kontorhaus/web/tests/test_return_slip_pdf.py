"""The delivery note of a packed order carries the return slip: rendered as a real PDF, its text
names the slip, the order number and the deadline, and the link under its QR code is the
portal's signed link, which opens that order — and no other, and not after it has expired."""

import datetime as dt
import io
from urllib.parse import urlsplit

import pypdf
import pytest
from django.conf import settings
from django.urls import resolve

from kontorhaus.core import clock
from kontorhaus.documents.barcodes import qr_svg
from kontorhaus.documents.presentation_picking import delivery_note_print_data
from kontorhaus.documents.rendering import render_pdf
from kontorhaus.documents.services import document_render
from kontorhaus.documents.tests.pdftext import pdf_text
from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.snapshots import delivery_note_snapshot
from kontorhaus.web.portal_links import ORDER, TRACKING, portal_link_read
from kontorhaus.web.portal_tracking_links import RETURN_LINK_MARGIN_DAYS

from .factories_portal import packed_order

pytestmark = pytest.mark.django_db


def _links(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots") or []
            if annot.get_object().get("/Subtype") == "/Link"]


def _token(url: str) -> str:
    return resolve(urlsplit(url).path).kwargs["token"]


def test_delivery_note_has_a_return_slip_whose_qr_opens_the_return_portal_of_the_order():
    # given an order packed today
    order, shipment = packed_order()
    packed = clock.local_date(shipment.packed_at)
    deadline = packed + dt.timedelta(days=settings.KONTORHAUS["RETURN_PERIOD_DAYS"])
    # when its delivery note is printed
    pdf = bytes(document_render(kind="delivery_note", number=shipment.number).pdf)
    # then the slip is on it with the order number and the deadline
    text = pdf_text(pdf)
    assert "Rücksendeschein" in text and order.number in text
    assert f"mindestens bis {deadline:%d.%m.%Y}" in text
    # and the QR code's link (also a link on the PDF) is the shop's public portal URL of this order
    [url] = _links(pdf)
    assert url.startswith(settings.KONTORHAUS["PUBLIC_URL"] + "/portal/o/")
    assert resolve(urlsplit(url).path).url_name == "portal_return"
    assert portal_link_read(_token(url), purpose=ORDER) == order.number
    # a tracking-only token it is not, and a changed character breaks it
    assert portal_link_read(_token(url), purpose=TRACKING) is None
    assert portal_link_read(_token(url)[:-1] + ("A" if _token(url)[-1] != "A" else "B"), purpose=ORDER) is None


def test_the_qr_code_printed_is_segnos_code_of_the_snapshots_link():
    _, shipment = packed_order()
    snapshot = delivery_note_snapshot(shipment.number)
    slip = delivery_note_print_data(snapshot)["return_slip"]
    assert slip["url"] == snapshot["return_portal_url"] != ""
    assert slip["qr"] == qr_svg(snapshot["return_portal_url"]) and slip["qr"].startswith("<svg")


def test_the_return_link_outlives_the_return_period_and_then_expires(monkeypatch):
    order, shipment = packed_order()
    url = delivery_note_snapshot(shipment.number)["return_portal_url"]
    days = settings.KONTORHAUS["RETURN_PERIOD_DAYS"] + RETURN_LINK_MARGIN_DAYS
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now + dt.timedelta(days=days - 1))
    assert portal_link_read(_token(url), purpose=ORDER) == order.number
    monkeypatch.setattr(clock, "now", lambda: now + dt.timedelta(days=days, seconds=1))
    assert portal_link_read(_token(url), purpose=ORDER) is None


def test_a_shipment_without_postal_data_still_gets_its_delivery_note():
    order, shipment = packed_order()
    Shipment.objects.filter(pk=shipment.pk).update(shipping_address={})
    text = pdf_text(bytes(document_render(kind="delivery_note", number=shipment.number).pdf))
    assert "Lieferschein" in text and "Rücksendeschein" in text and order.number in text


def test_an_old_delivery_note_snapshot_without_the_slip_still_renders():
    # a snapshot as it was before the return slip existed (no period, no link)
    _, shipment = packed_order()
    snapshot = delivery_note_snapshot(shipment.number)
    del snapshot["return_period_days"], snapshot["return_portal_url"]
    text = pdf_text(render_pdf(snapshot))
    assert "Lieferschein" in text and "Rücksendeschein" not in text


def test_an_old_shipment_packed_long_ago_prints_its_own_deadline():
    order, shipment = packed_order()
    Shipment.objects.filter(pk=shipment.pk).update(packed_at=dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC))
    text = pdf_text(bytes(document_render(kind="delivery_note", number=shipment.number).pdf))
    assert "mindestens bis 17.03.2025" in text and order.number in text


def test_a_shop_with_a_longer_return_period_prints_it_and_its_link_lives_longer(settings, monkeypatch):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "RETURN_PERIOD_DAYS": 30}
    order, shipment = packed_order()
    packed = clock.local_date(shipment.packed_at)
    pdf = bytes(document_render(kind="delivery_note", number=shipment.number).pdf)
    assert f"30 Tage ab Erhalt der Ware, mindestens bis {packed + dt.timedelta(days=30):%d.%m.%Y}" in pdf_text(pdf)
    [url] = _links(pdf)
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now + dt.timedelta(days=30 + RETURN_LINK_MARGIN_DAYS - 1))
    assert portal_link_read(_token(url), purpose=ORDER) == order.number
