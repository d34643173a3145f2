"""Fulfillment: pick runs and shipments."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from kontorhaus.catalog.selectors import article_get
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.documents.services import document_render
from kontorhaus.flows.pack_and_ship import PackItem, order_pack, shipment_handed_over
from kontorhaus.flows.pick_run import (
    PickRunRequest,
    pick_confirmed,
    pick_list_confirmed,
    pick_run_closed_short,
    pick_run_start,
)
from kontorhaus.fulfillment.models import PickRun, Shipment
from kontorhaus.fulfillment.selectors_picking import (
    bin_get,
    pick_rows,
    pick_run_get,
    pick_run_totes,
    shipment_get,
    tote_code,
)
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.sales.selectors import order_get

from .schemas_fulfillment import PickConfirmIn, PickRunCreateIn, PickRunOut, ShipmentCreateIn, ShipmentOut

router = Router(tags=["fulfillment"])


def actor_of(request: HttpRequest) -> Actor:
    return Actor("api", request.auth.name)


def pick_run_out(run: PickRun) -> dict:
    return {
        "number": run.number, "mode": run.mode, "carrier": run.carrier, "status": run.status,
        "created_at": run.created_at, "completed_at": run.completed_at,
        "orders": [{"tote": e.tote, "code": tote_code(run.number, e.tote), "order_number": e.order_number,
                    "closed": e.closed} for e in pick_run_totes(run=run)],
        "rows": [{"sku": r.article.sku, "name": r.article.name, "bin": r.location.label or r.location.code,
                  "quantity": r.quantity, "picked": r.picked,
                  "totes": [{"tote": t, "order_number": n, "quantity": q} for t, n, q in r.totes]}
                 for r in pick_rows(run=run)],
    }


def shipment_out(shipment: Shipment) -> dict:
    return {
        "number": shipment.number, "order_number": shipment.order_number, "status": shipment.status,
        "carrier": shipment.carrier, "tracking_number": shipment.tracking_number, "pick_run": shipment.pick_run,
        "packed_at": shipment.packed_at, "shipped_at": shipment.shipped_at,
        "lines": [{"position": line.line_position, "sku": line.sku, "name": line.name, "quantity": line.quantity}
                  for line in shipment.lines.all()],
        "parcels": [{"position": p.position, "weight_grams": p.weight_grams, "length_cm": p.length_cm,
                     "width_cm": p.width_cm, "height_cm": p.height_cm, "tracking_number": p.tracking_number}
                    for p in shipment.parcels.all()],
    }


@router.post("/pick-runs", response={201: PickRunOut})
def pick_run_create(request: HttpRequest, body: PickRunCreateIn):
    """A pick run from released orders: one order, a batch of `size` (oldest first), all of one
    carrier or all with one line (each at most `size`)."""
    run = pick_run_start(request=PickRunRequest(mode=body.mode, order_number=body.order_number, size=body.size,
                                                carrier=body.carrier), actor=actor_of(request))
    return Status(201, pick_run_out(run))


@router.get("/pick-runs/{number}", response=PickRunOut)
def pick_run_detail(request: HttpRequest, number: str):
    return pick_run_out(pick_run_get(number=number))


@router.post("/pick-runs/{number}/picks", response=PickRunOut)
def pick_confirm(request: HttpRequest, number: str, body: PickConfirmIn):
    """Confirm units taken from a bin; more than the run still needs from it is refused (422)."""
    run = pick_run_get(number=number)
    try:
        article = article_get(sku=body.sku)
    except NotFound:
        raise InvalidInput(f"unknown article {body.sku}", details={"field": "sku"}) from None
    pick_confirmed(run=run, article=article, location=bin_get(code=body.bin, run=run), quantity=body.quantity,
                   actor=actor_of(request))
    return pick_run_out(pick_run_get(number=number))


@router.post("/pick-runs/{number}/all-picked", response=PickRunOut)
def pick_run_all_picked(request: HttpRequest, number: str):
    """Every open row of the run confirmed picked at once (the printed list ticked off); 422
    when nothing is left to pick."""
    pick_list_confirmed(run=pick_run_get(number=number), actor=actor_of(request))
    return pick_run_out(pick_run_get(number=number))


@router.post("/pick-runs/{number}/close-short", response=PickRunOut)
def pick_run_close_short(request: HttpRequest, number: str):
    """The rest was not found: the units not picked leave the run (still reserved in their bins,
    for a count and a later run) and the run is complete; 422 when nothing is left to pick."""
    pick_run_closed_short(run=pick_run_get(number=number), actor=actor_of(request))
    return pick_run_out(pick_run_get(number=number))


def _pdf(kind: str, number: str) -> HttpResponse:
    document = document_render(kind=kind, number=number)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@router.get("/pick-runs/{number}/pdf", response={200: None})
def pick_run_pdf(request: HttpRequest, number: str):
    return _pdf("pick_list", pick_run_get(number=number).number)


@router.post("/orders/{number}/shipments", response={201: ShipmentOut})
def shipment_create(request: HttpRequest, number: str, body: ShipmentCreateIn):
    """Pack: the scanned lines (SKU or GTIN) and the parcels. An article the order lacks or one
    unit more than is picked is refused (422) and nothing is packed."""
    shipment = order_pack(
        order=order_get(number=number), items=[PackItem(line.sku, line.quantity) for line in body.lines],
        parcels=[ParcelData(p.weight_grams, p.length_cm, p.width_cm, p.height_cm) for p in body.parcels],
        actor=actor_of(request))
    return Status(201, shipment_out(shipment_get(number=shipment.number)))


@router.get("/shipments/{number}", response=ShipmentOut)
def shipment_detail(request: HttpRequest, number: str):
    return shipment_out(shipment_get(number=number))


@router.post("/shipments/{number}/hand-over", response=ShipmentOut)
def shipment_hand_over(request: HttpRequest, number: str):
    """The parcels went to the carrier: the order's units count as shipped. Twice: 409."""
    shipment = shipment_handed_over(shipment=shipment_get(number=number), actor=actor_of(request))
    return shipment_out(shipment_get(number=shipment.number))


@router.get("/shipments/{number}/delivery-note", response={200: None})
def delivery_note_pdf(request: HttpRequest, number: str):
    return _pdf("delivery_note", shipment_get(number=number).number)
