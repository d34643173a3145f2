"""The purchase order as the documents app prints it: a plain dict, registered as the
"purchase_order" source.

documents.services.document_render stores a PDF once per (kind, number). A draft still
changes, so the registered source refuses drafts (NotFound): a draft's PDF is a preview
rendered on demand and never stored. From "ordered" on the lines are fixed, and the PDF the
worker stores with the e-mail is the one the supplier got. Received quantities are not part
of the snapshot, so later receipts do not change it.
"""

from typing import Any

from django.forms.models import model_to_dict

from kontorhaus.core import clock
from kontorhaus.core.exceptions import NotFound
from kontorhaus.core.models import CompanyProfile
from kontorhaus.documents.rendering import render_pdf
from kontorhaus.documents.services import document_render

from .models import PurchaseOrder
from .selectors import purchase_order_get
from .states import PurchaseOrderStatus

_SELLER_SKIP = frozenset({"id", "logo"})


def _buyer() -> dict[str, Any]:
    profile = CompanyProfile.objects.first() or CompanyProfile()
    return {k: v for k, v in model_to_dict(profile).items() if k not in _SELLER_SKIP}


def purchase_order_snapshot(order: PurchaseOrder) -> dict[str, Any]:
    issued = clock.local_date(order.ordered_at or order.created_at)
    return {
        "kind": "purchase_order", "number": order.number, "status": order.status, "language": order.language,
        "currency": order.currency, "issue_date": issued.isoformat(),
        "expected_on": order.expected_on.isoformat() if order.expected_on else None,
        # The shop buys here: it is the "seller" of the shared document layout's sender line and footer.
        "seller": _buyer(), "supplier": {**order.supplier_address, "vat_id": order.supplier_vat_id},
        "supplier_number": order.supplier.number, "warehouse": order.warehouse.name or order.warehouse.code,
        "payment_terms_days": order.payment_terms_days, "note": order.note,
        "lines": [
            {"position": line.position, "sku": line.sku, "name": line.name, "supplier_sku": line.supplier_sku,
             "quantity": str(line.quantity), "unit_price": str(line.unit_price), "net": str(line.net)}
            for line in order.lines.order_by("position")
        ],
        "total_net": str(order.total_net),
    }


def purchase_order_document_source(number: str) -> dict[str, Any]:
    order = purchase_order_get(number=number)
    if order.status == PurchaseOrderStatus.DRAFT:
        raise NotFound(f"purchase order {number} is a draft; its PDF is only previewed, never stored",
                       details={"number": number, "status": order.status})
    return purchase_order_snapshot(order)


def purchase_order_pdf(order: PurchaseOrder) -> bytes:
    """A draft rendered afresh as a preview; any other the stored PDF the supplier got.
    A purchase order cancelled while still a draft was never sent: it stays a preview."""
    if order.status == PurchaseOrderStatus.DRAFT or order.ordered_at is None:
        return render_pdf(purchase_order_snapshot(order))
    return bytes(document_render(kind="purchase_order", number=order.number).pdf)
