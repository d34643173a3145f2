"""Purchasing: suppliers, purchase orders and goods receipts, the reorder proposals."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Header, Router, Status

from kontorhaus.catalog.selectors import articles_by_sku
from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.flows.goods_received import goods_received
from kontorhaus.purchasing.models import PurchaseOrder, Supplier
from kontorhaus.purchasing.reorder import ReorderLine, proposal_order_request, reorder_list, reorder_proposal_for
from kontorhaus.purchasing.selectors import (
    purchase_order_get,
    purchase_order_lines,
    supplier_get,
    supplier_terms_list,
    warehouse_for_purchase,
)
from kontorhaus.purchasing.services import SupplierData, SupplierTermsData, supplier_create, supplier_terms_set
from kontorhaus.purchasing.services_orders import (
    PurchaseOrderLineRequest,
    PurchaseOrderRequest,
    purchase_order_cancel,
    purchase_order_create,
    purchase_order_send,
)
from kontorhaus.purchasing.services_receipts import ReceiptLineRequest
from kontorhaus.purchasing.snapshots import purchase_order_pdf

from .orders import actor_of
from .schemas_purchasing import (
    PurchaseOrderIn,
    PurchaseOrderOut,
    ReceiptIn,
    ReceiptOut,
    ReorderOut,
    SupplierIn,
    SupplierOut,
    SupplierTermsIn,
    SupplierTermsOut,
)

router = Router(tags=["purchasing"])


@router.post("/suppliers", response={201: SupplierOut})
def supplier_create_endpoint(request: HttpRequest, body: SupplierIn):
    data = SupplierData(**body.model_dump(exclude={"number"}))
    return Status(201, supplier_out(supplier_create(number=body.number, data=data, actor=actor_of(request))))


@router.get("/suppliers/{number}", response=SupplierOut)
def supplier_detail(request: HttpRequest, number: str):
    return supplier_out(supplier_get(number=number))


@router.put("/suppliers/{number}/terms/{sku}", response=SupplierTermsOut)
def supplier_terms_endpoint(request: HttpRequest, number: str, sku: str, body: SupplierTermsIn):
    """Create or change the supplier's terms for one article."""
    article = _articles([sku], field="sku")[sku]
    data = SupplierTermsData(**{**body.model_dump(), "purchase_price": Decimal(body.purchase_price)})
    terms = supplier_terms_set(supplier=supplier_get(number=number), article=article, data=data,
                               actor=actor_of(request))
    return _terms_out(terms, sku)


@router.post("/purchase-orders", response={201: PurchaseOrderOut})
def purchase_order_create_endpoint(request: HttpRequest, body: PurchaseOrderIn):
    """A draft purchase order from `lines`, or with `from_proposal` from the reorder proposal
    for this supplier and warehouse (422 when there is nothing to order)."""
    supplier, warehouse = _supplier(body.supplier), warehouse_for_purchase(code=body.warehouse or "")
    if body.from_proposal == bool(body.lines):
        raise InvalidInput("send either lines or from_proposal", details={"field": "lines"})
    if body.from_proposal:
        proposal = reorder_proposal_for(supplier_number=supplier.number, warehouse_code=warehouse.code)
        if proposal is None:
            raise InvalidInput(f"nothing to reorder from {supplier.number} for {warehouse.code}",
                               code="nothing_to_order", details={"field": "from_proposal"})
        order_request = proposal_order_request(proposal=proposal, note=body.note)
    else:
        articles = _articles([line.sku for line in body.lines], field="lines")
        order_request = PurchaseOrderRequest(supplier=supplier, warehouse=warehouse, note=body.note, lines=[
            PurchaseOrderLineRequest(articles[line.sku], line.quantity,
                                     Decimal(line.unit_price) if line.unit_price is not None else None)
            for line in body.lines])
    return Status(201, purchase_order_out(purchase_order_create(request=order_request, actor=actor_of(request))))


@router.get("/purchase-orders/{number}", response=PurchaseOrderOut)
def purchase_order_detail(request: HttpRequest, number: str):
    return purchase_order_out(purchase_order_get(number=number))


@router.post("/purchase-orders/{number}/order", response=PurchaseOrderOut)
def purchase_order_send_endpoint(request: HttpRequest, number: str):
    """Send it to the supplier (e-mail with the PDF). Again: a no-op."""
    return purchase_order_out(purchase_order_send(purchase_order=purchase_order_get(number=number),
                                                  actor=actor_of(request)))


@router.post("/purchase-orders/{number}/cancel", response=PurchaseOrderOut)
def purchase_order_cancel_endpoint(request: HttpRequest, number: str):
    return purchase_order_out(purchase_order_cancel(purchase_order=purchase_order_get(number=number),
                                                    actor=actor_of(request)))


@router.get("/purchase-orders/{number}/pdf", url_name="purchase_order_pdf", response={200: None})
def purchase_order_pdf_endpoint(request: HttpRequest, number: str):
    response = HttpResponse(purchase_order_pdf(purchase_order_get(number=number)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@router.post("/purchase-orders/{number}/receipts", response={200: ReceiptOut, 201: ReceiptOut})
def goods_receipt_endpoint(request: HttpRequest, number: str, body: ReceiptIn,
                           idempotency_key: str = Header("", alias="Idempotency-Key")):
    """Goods received (full or partial). The Idempotency-Key is the receipt id: sent again with
    the same lines it books nothing and answers 200; with other lines 409."""
    if not idempotency_key.strip() or len(idempotency_key) > 200:
        raise InvalidInput("an Idempotency-Key header of 1-200 characters is required (the receipt id)",
                           details={"field": "Idempotency-Key"})
    lines = [ReceiptLineRequest(line.sku, line.quantity, line.bin or "") for line in body.lines]
    result = goods_received(purchase_order=purchase_order_get(number=number), key=idempotency_key, lines=lines,
                            actor=actor_of(request))
    return Status(201 if result.created else 200, {
        "receipt": result.receipt.key, "created": result.created,
        "purchase_order": purchase_order_out(purchase_order_get(number=number))})


@router.get("/reorder-proposals", response=ReorderOut)
def reorder_proposals(request: HttpRequest, warehouse: str = "", supplier: str = ""):
    result = reorder_list(warehouse_code=warehouse[:32], supplier_number=supplier[:32])
    return {
        "proposals": [
            {"supplier": p.supplier_number, "supplier_name": p.supplier_name, "warehouse": p.warehouse_code,
             "currency": p.currency, "total_net": p.total_net, "lines": [_proposal_line(x) for x in p.lines]}
            for p in result.proposals
        ],
        "without_supplier": [_proposal_line(line) for line in result.without_supplier],
    }


def _supplier(number: str) -> Supplier:
    try:
        return supplier_get(number=number)
    except NotFound:
        raise InvalidInput(f"supplier {number} not found", details={"field": "supplier"}) from None


def _articles(skus: list[str], *, field: str) -> dict:
    found = articles_by_sku(skus=skus)
    for index, sku in enumerate(skus):
        if sku not in found:
            where = f"{field}[{index}].sku" if field == "lines" else field
            raise InvalidInput(f"unknown SKU {sku[:64]!r}", details={"field": where})
    return found


def _terms_out(terms, sku: str) -> dict:
    return {"sku": sku, "supplier_sku": terms.supplier_sku, "purchase_price": terms.purchase_price,
            "pack_size": terms.pack_size, "minimum_order_quantity": terms.minimum_order_quantity,
            "lead_time_days": terms.lead_time_days, "preferred": terms.preferred}


def _proposal_line(line: ReorderLine) -> dict:
    return {"sku": line.sku, "name": line.name, "supplier_sku": line.supplier_sku, "available": line.available,
            "reorder_point": line.reorder_point, "target_level": line.target_level, "on_order": line.on_order,
            "quantity": line.quantity, "pack_size": line.pack_size,
            "minimum_order_quantity": line.minimum_order_quantity, "unit_price": line.unit_price}


def supplier_out(supplier: Supplier) -> dict:
    fields = ("number", "name", "email", "street", "postal_code", "city", "country", "contact_name", "phone",
              "currency", "payment_terms_days", "vat_id", "language", "active")
    return {**{f: getattr(supplier, f) for f in fields},
            "terms": [_terms_out(t, t.article.sku) for t in supplier_terms_list(supplier=supplier)]}


def purchase_order_out(order: PurchaseOrder) -> dict:
    return {
        "number": order.number, "status": order.status, "supplier": order.supplier.number,
        "supplier_name": order.supplier_name, "warehouse": order.warehouse.code, "currency": order.currency,
        "total_net": order.total_net, "note": order.note, "created_at": order.created_at,
        "ordered_at": order.ordered_at, "expected_on": order.expected_on,
        "lines": [{"position": line.position, "sku": line.sku, "name": line.name, "supplier_sku": line.supplier_sku,
                   "quantity": line.quantity, "unit_price": line.unit_price, "net": line.net,
                   "received_quantity": line.received_quantity}
                  for line in purchase_order_lines(purchase_order=order)],
        "pdf_url": reverse("api:purchase_order_pdf", kwargs={"number": order.number}),
    }
