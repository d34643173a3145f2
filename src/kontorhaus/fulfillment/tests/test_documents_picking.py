"""The pick list and the delivery note as PDFs: rendered from their snapshots, in the bins'
walking order, in the order's language."""

import pytest

from kontorhaus.documents.services import document_render
from kontorhaus.documents.tests.pdftext import pdf_text
from kontorhaus.flows.pack_and_ship import PackItem, order_pack
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

from .factories_picking import make_bin, released_order, start, stocked

pytestmark = pytest.mark.django_db


def test_pick_list_and_delivery_note():
    # given two articles in two bins and an order for both, on a run
    stocked("MUG", units=5, bin_=make_bin("B-02", 20), gtin="4006381333931")
    stocked("TEE", units=5, bin_=make_bin("A-01", 10))
    order = released_order(("MUG", 1), ("TEE", 2))
    run = start()
    # when the pick list is printed
    text = pdf_text(bytes(document_render(kind="pick_list", number=run.number).pdf))
    # then the bins come in walking order and the tote names the order
    assert "Pickliste" in text and text.index("A-01") < text.index("B-02")
    assert order.number in text
    # when picked and packed, the delivery note lists what went into the parcel
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    shipment = order_pack(order=order, items=[PackItem("MUG", 1), PackItem("TEE", 2)],
                          parcels=[ParcelData(900, 30, 20, 10)], actor=TESTER)
    pdf = bytes(document_render(kind="delivery_note", number=shipment.number).pdf)
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and "Lieferschein" in text and shipment.number in text
    assert "Artikel TEE" in text and order.number in text


def test_delivery_note_in_english_for_an_english_order():
    stocked("MUG", units=5, bin_=make_bin("A-01", 10))
    order = released_order(("MUG", 1))
    SalesOrder.objects.filter(pk=order.pk).update(language="en")
    run = start()
    row = pick_rows(run=run)[0]
    pick_confirmed(run=run, article=row.article, location=row.location, quantity=1, actor=TESTER)
    shipment = order_pack(order=order, items=[PackItem("MUG", 1)], parcels=[ParcelData(900, 30, 20, 10)],
                          actor=TESTER)
    assert "Delivery note" in pdf_text(bytes(document_render(kind="delivery_note", number=shipment.number).pdf))
