"""The whole story of a parcel, told once end to end (issue 6): an order is paid, picked, packed
and booked with DHL — the fake DHL server, spoken to over real HTTP on a free port — the carrier
reports it in transit and delivered, the customer scans the QR code on the return slip, withdraws
from the contract in the portal and registers the return with a DHL return label; the warehouse
scans the slip, puts the good mug back into its bin and writes off the broken vase; the refund
proposal is approved, which issues the credit note and the refund.

States, stock (on hand per bin and the ledger) and documents are checked at every step. Every
step goes through the flow (or the portal page) the shop's pages call."""

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pypdf
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from kontorhaus.billing.models import CreditNote, Invoice, Refund
from kontorhaus.billing.services import PaymentData
from kontorhaus.core import clock
from kontorhaus.core.models import AuditEvent
from kontorhaus.documents.services import document_render
from kontorhaus.documents.tests.pdftext import pdf_text
from kontorhaus.flows.pack_and_ship import PackItem, order_pack, shipment_handed_over
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.flows.pick_run import PickRunRequest, pick_confirmed, pick_run_start
from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_refund import return_refund_approve
from kontorhaus.flows.shipment_booking import shipment_book
from kontorhaus.flows.tracking_update import tracking_refresh
from kontorhaus.fulfillment.models import Parcel, Shipment
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_carriers import carrier_account_set
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import DHL_SECRETS, dhl_account_data
from kontorhaus.fulfillment.tests.factories_picking import make_bin, stocked
from kontorhaus.inventory.models import StockLevel, StockMove
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.returns.models import ReturnRequest, Withdrawal
from kontorhaus.returns.selectors import return_find_by_scan
from kontorhaus.returns.services_inspection import LineInspection
from kontorhaus.returns.states import Condition, Disposition, ReturnStatus
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, place_order
from kontorhaus.web.portal_links import ORDER, portal_link_read

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes connections like a real one
YEAR = clock.today().year
PARCEL = ParcelData(weight_grams=1500, length_cm=30, width_cm=20, height_cm=15)
fake_dhl = carrier_fixtures.fake_dhl  # the fake DHL server on a free port, in this process


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _on_hand(article) -> dict[str, int]:
    """Units on hand per bin or packing area (label, else code), where there are any."""
    levels = StockLevel.objects.filter(article=article, on_hand__gt=0).select_related("location")
    return {level.location.label or level.location.code: level.on_hand for level in levels}


def _ledger(article) -> list[tuple[str, int]]:
    return [(move.reason, move.quantity) for move in StockMove.objects.filter(article=article).order_by("id")]


def _refresh(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.get(pk=order.pk)


def _timeline(order: SalesOrder) -> list[str]:
    return list(AuditEvent.objects.filter(order_number=order.number).order_by("id").values_list("action", flat=True))


def _work() -> list:
    """Run the worker once; the e-mails it sent."""
    before = len(mail.outbox)
    call_command("kontorhaus_worker", "--batch")
    return mail.outbox[before:]


def _pdf_links(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots") or []
            if a.get_object().get("/Subtype") == "/Link"]


def test_order_to_refund(fake_dhl):  # noqa: PLR0915 - one story, told in order
    # given a mug (19 %) in bin A-01 and a vase in bin B-02, and DHL (the fake) with return labels
    mug = stocked("MUG", units=10, bin_=make_bin("A-01", 10), price="29.90")
    vase = stocked("VASE", units=5, bin_=make_bin("B-02", 20), price="19.90")
    carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url, returns_enabled=True),
                        credentials=DHL_SECRETS, actor=TESTER)

    # --- order -------------------------------------------------------------------------------
    order = place_order(lines=[("MUG", 1, "29.90"), ("VASE", 1, "19.90")]).order
    invoice = Invoice.objects.get(order_number=order.number)
    assert invoice.number == f"RE-{YEAR}-000001" and invoice.total_gross == Decimal("54.70")  # 29.90+19.90+4.90
    assert (order.payment_state, order.fulfillment_state) == ("unpaid", "unfulfilled")
    assert _on_hand(mug) == {"A-01": 10} and StockLevel.objects.get(article=mug, location__label="A-01").reserved == 1

    # --- paid: released to the warehouse -----------------------------------------------------
    payment_received(order=order, actor=TESTER, data=PaymentData(
        order_number=order.number, amount=Decimal("54.70"), currency="EUR", method="prepayment", source="manual",
        external_id="counter-1"))
    order = _refresh(order)
    assert (order.payment_state, order.fulfillment_state) == ("paid", "released")

    # --- picked: the units wait in the packing area ------------------------------------------
    run = pick_run_start(request=PickRunRequest(mode="single", order_number=order.number), actor=TESTER)
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    packing = {k: v for k, v in _on_hand(mug).items() if k != "A-01"}
    assert _on_hand(mug)["A-01"] == 9 and list(packing.values()) == [1]
    assert _ledger(mug) == [("receipt", 10), ("pick", 1)]

    # --- packed: shipment, delivery note with the return slip --------------------------------
    shipment = order_pack(order=order, items=[PackItem("MUG", 1), PackItem("VASE", 1)], parcels=[PARCEL],
                          actor=TESTER)
    assert shipment.number.startswith(f"LS-{YEAR}-") and _refresh(order).fulfillment_state == "packed"
    assert _on_hand(mug) == {"A-01": 9} and _on_hand(vase) == {"B-02": 4}
    assert _ledger(vase) == [("receipt", 5), ("pick", 1), ("shipment", 1)]
    note = bytes(document_render(kind="delivery_note", number=shipment.number).pdf)
    note_text = pdf_text(note)
    packed_on = clock.local_date(shipment.packed_at)
    assert "Rücksendeschein" in note_text and order.number in note_text
    assert f"mindestens bis {packed_on + dt.timedelta(days=14):%d.%m.%Y}" in note_text
    [qr_link] = _pdf_links(note)  # what the QR code on the slip leads to
    assert portal_link_read(resolve(urlsplit(qr_link).path).kwargs["token"], purpose=ORDER) == order.number

    # --- booked with DHL: label and tracking number, over HTTP ---------------------------------
    shipment = shipment_book(shipment=shipment, actor=TESTER)
    parcel = Parcel.objects.get(shipment=shipment)
    assert shipment.status == "booked" and parcel.tracking_number and bytes(parcel.label_pdf).startswith(b"%PDF")
    assert any(r["method"] == "POST" and r["path"].startswith("/parcel/de/shipping/v2/orders")
               for r in fake_dhl.state.requests)
    shipment = shipment_handed_over(shipment=shipment, actor=TESTER)
    assert shipment.status == "shipped" and _refresh(order).fulfillment_state == "shipped"

    # the worker sends the order confirmation (invoice) and the shipment e-mail (delivery note)
    sent = {m.subject: m for m in _work()}
    shipped_mail = next(m for s, m in sent.items() if "unterwegs" in s)
    assert order.number in shipped_mail.subject and parcel.tracking_number in shipped_mail.body
    assert f"piececode={parcel.tracking_number}" in shipped_mail.body
    assert [a[0] for a in shipped_mail.attachments] == [f"{shipment.number}.pdf"]
    tracking_url = re.search(r"https?://\S+/portal/o/\S+/tracking", shipped_mail.body).group(0)

    # --- tracked: in transit, then delivered ---------------------------------------------------
    fake_dhl.state.scan(parcel.tracking_number, code="transit", description="Die Sendung wurde im Start-"
                        "Paketzentrum bearbeitet.", location="Hamburg")
    assert tracking_refresh(now=clock.now() + dt.timedelta(hours=2)).new_events == 1  # the next round
    page = Client(HTTP_ACCEPT_LANGUAGE="de").get(urlsplit(tracking_url).path)
    assert page.status_code == 200 and [p.parcel.status for p in page.context["parcels"]] == ["in_transit"]
    assert "Start-Paketzentrum" in page.content.decode()
    fake_dhl.state.scan(parcel.tracking_number, code="delivered", description="Die Sendung wurde erfolgreich "
                        "zugestellt.", location="Berlin")
    assert tracking_refresh(now=clock.now() + dt.timedelta(hours=4)).new_events == 1
    order = _refresh(order)
    assert Shipment.objects.get(pk=shipment.pk).status == "delivered" and order.fulfillment_state == "delivered"
    assert "Zugestellt" in Client(HTTP_ACCEPT_LANGUAGE="de").get(urlsplit(tracking_url).path).content.decode()

    # --- withdrawal, declared in the portal (reached by the slip's QR code) ---------------------
    customer = Client(HTTP_ACCEPT_LANGUAGE="de")
    token = resolve(urlsplit(qr_link).path).kwargs["token"]
    assert customer.get(urlsplit(qr_link).path).status_code == 200
    confirm = f"/portal/o/{token}/withdrawal/confirm/"
    response = customer.post(confirm, {"customer_name": "Erika Mustermann", "customer_email": "erika@example.com",
                                       "scope": "all", "statement": "Ich widerrufe den Vertrag."})
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get(order=order)
    assert withdrawal.channel == "portal" and withdrawal.confirmation_queued_at is not None
    assert withdrawal.refund_due_on == clock.local_date(withdrawal.declared_at) + dt.timedelta(days=14)
    customer.post(confirm, {"customer_name": "Erika Mustermann", "customer_email": "erika@example.com",
                            "scope": "all"})  # a double click is one withdrawal, confirmed once
    assert Withdrawal.objects.filter(order=order).count() == 1
    [receipt] = _work()
    assert receipt.to == ["erika@example.com"] and order.number in receipt.subject and "Widerruf" in receipt.subject
    assert "Eingegangen am" in receipt.body and "der gesamte Vertrag" in receipt.body
    assert "Online-Widerrufsfunktion" in receipt.body

    # --- return registered in the portal, with a DHL return label from the fake ----------------
    positions = {line.sku: line.position for line in order.lines.all() if line.sku in ("MUG", "VASE")}
    response = customer.post(f"/portal/o/{token}/return/", {
        f"qty_{positions['MUG']}": "1", f"reason_{positions['MUG']}": "changed_mind",
        f"qty_{positions['VASE']}": "1", f"reason_{positions['VASE']}": "changed_mind"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rma = ReturnRequest.objects.get(order=order)
    assert rma.status == ReturnStatus.REGISTERED and rma.label_tracking_number
    label = customer.get(f"/portal/o/{token}/return/{rma.number}/label.pdf")
    assert label.status_code == 200 and label.content.startswith(b"%PDF")

    # --- received: the warehouse scans the slip's barcode (the order number) --------------------
    assert return_find_by_scan(code=order.number) == rma
    rma = return_goods_received(request=rma, actor=TESTER)
    assert rma.status == ReturnStatus.RECEIVED

    # --- inspected: the mug is fine (back into A-01), the vase is broken (written off) ---------
    lines = {line.sku: line.position for line in rma.lines.all()}
    rma = return_inspect(request=rma, actor=TESTER, inspections=[
        LineInspection(lines["MUG"], Condition.RESELLABLE, Disposition.RESTOCKED,
                       location=StockLevel.objects.get(article=mug, location__label="A-01").location),
        LineInspection(lines["VASE"], Condition.DAMAGED, Disposition.WRITTEN_OFF, note="Scherben")])
    rma = ReturnRequest.objects.get(pk=rma.pk)
    assert rma.status == ReturnStatus.REFUND_PROPOSED
    assert _on_hand(mug) == {"A-01": 10} and _on_hand(vase) == {"B-02": 4}
    assert _ledger(mug)[-1] == ("return", 1) and _ledger(vase)[-1] == ("write_off", 1)
    assert stock_reconcile() == []

    # --- refund proposal: both goods and the outbound delivery (full withdrawal, § 357 (2) BGB) --
    [part] = rma.proposal
    assert part["order"] == order.number and Decimal(part["total"]) == Decimal("54.70")

    # --- approved: credit note and refund, once ------------------------------------------------
    rma = return_refund_approve(request=rma, actor=TESTER)
    assert return_refund_approve(request=rma, actor=TESTER).status == ReturnStatus.REFUNDED
    note = CreditNote.objects.get(invoice=invoice)
    assert note.number == f"GS-{YEAR}-000001" and note.total_gross == Decimal("54.70")
    [refund] = Refund.objects.filter(order_number=order.number)
    assert (refund.amount, refund.credit_note_id, refund.method) == (Decimal("54.70"), note.pk, "manual")
    credit_text = pdf_text(bytes(document_render(kind="credit_note", number=note.number).pdf))
    assert note.number in credit_text and invoice.number in credit_text and "54,70" in credit_text
    order = _refresh(order)
    assert order.payment_state == "refunded"
    assert Withdrawal.objects.get(pk=withdrawal.pk).settled_at is not None  # within its 14-day refund deadline
    timeline = _timeline(order)
    for action in ("returns.withdrawal.declared", "returns.return.received", "returns.return.refunded"):
        assert action in timeline, (action, timeline)

    # --- every shipped unit is back: the order's derived fulfillment state is "returned" -------
    assert order.fulfillment_state == "returned"
    assert "sales.order.lines_returned" in timeline
