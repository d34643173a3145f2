"""Domain objects -> response dicts. Kept apart so endpoints stay a few lines long."""

import base64
import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.urls import reverse

from kontorhaus.billing.models import Invoice
from kontorhaus.billing.selectors import credit_note_list_for_order, invoice_for_order
from kontorhaus.flows.order_intake import IntakeLine, OrderIntake
from kontorhaus.sales.models import SalesOrder

from .schemas_orders import OrderIn


def intake_from_schema(body: OrderIn) -> OrderIntake:
    shipping = body.shipping
    return OrderIntake(
        channel=body.channel, external_id=body.external_id, placed_at=body.placed_at, currency=body.currency,
        prices_include_vat=body.prices_include_vat, language=body.language,
        customer=body.customer.model_dump(), billing_address=_address(body.billing_address.model_dump()),
        shipping_address=_address(body.shipping_address.model_dump()) if body.shipping_address else None,
        lines=tuple(IntakeLine(line.sku, line.quantity, Decimal(line.unit_price)) for line in body.lines),
        payment_method=body.payment.method, paid=body.payment.paid,
        shipping_method=shipping.method if shipping else "",
        shipping_price=Decimal(shipping.price) if shipping else Decimal("0.00"),
        require_stock=body.require_stock, partial_delivery=body.partial_delivery,
    )


def _address(address: dict) -> dict:
    return {k: (v or "") for k, v in address.items()}


def request_hash(body: OrderIn) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def invoice_ref(invoice: Invoice | None) -> dict | None:
    if invoice is None:
        return None
    return {"number": invoice.number, "status": invoice.status,
            "pdf_url": reverse("api:invoice_pdf", kwargs={"number": invoice.number})}


def order_out(order: SalesOrder, *, new_invoice: Invoice | None = None) -> dict:
    """`new_invoice`: the invoice just issued with a new order, which has no credit notes yet."""
    lines = order.lines.all()
    invoice = new_invoice or invoice_for_order(order_number=order.number)
    credit_notes = [] if new_invoice else credit_note_list_for_order(order_number=order.number)
    return {
        "number": order.number, "channel": order.channel, "external_id": order.external_id,
        "status": order.status, "payment_status": order.payment_state, "balance_due": order.balance_due,
        "fulfillment_status": order.fulfillment_state, "readiness": order.readiness,
        "partial_delivery": order.partial_delivery, "vat_case": order.vat_case,
        "released_at": order.released_at, "placed_at": order.placed_at, "currency": order.currency,
        "prices_include_vat": order.prices_include_vat, "payment_method": order.payment_method,
        "customer": {"number": order.customer.number, "email": order.customer_email, "name": order.customer_name,
                     "company": order.customer_company, "vat_id": order.customer_vat_id},
        "billing_address": order.billing_address, "shipping_address": order.shipping_address,
        "lines": [
            {"position": line.position, "kind": line.kind, "sku": line.sku, "name": line.name,
             "quantity": line.quantity, "unit_price": line.unit_price, "tax_rate": line.tax_rate, "net": line.net,
             "tax": line.tax, "gross": line.gross, "reserved": line.reserved_quantity,
             "backordered": line.backordered_quantity}
            for line in lines
        ],
        "total_net": order.total_net, "total_vat": order.total_vat, "total_gross": order.total_gross,
        "vat_breakdown": order.tax_breakdown,
        "invoice": invoice_ref(invoice),
        "credit_notes": [note.number for note in credit_notes],
    }


def encode_cursor(order: SalesOrder) -> str:
    raw = json.dumps([order.placed_at.isoformat(), order.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        placed, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return dt.datetime.fromisoformat(placed), int(pk)
    except (ValueError, TypeError):
        return None
