"""The plain data a pick list and a delivery note are printed from (documents app input):
one bulk read per document, so a pick list of hundreds of orders is a handful of queries."""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.forms.models import model_to_dict

from kontorhaus.core import clock
from kontorhaus.core.models import CompanyProfile
from kontorhaus.documents.portal_links import RETURNS, portal_link
from kontorhaus.sales.models import SalesOrder

from .selectors_picking import pick_rows, pick_run_get, pick_run_totes, shipment_get, tote_code

_SELLER_SKIP = frozenset({"id", "logo"})


def _seller() -> dict[str, Any]:
    profile = CompanyProfile.objects.first() or CompanyProfile()
    return {k: v for k, v in model_to_dict(profile).items() if k not in _SELLER_SKIP}


def pick_list_snapshot(number: str) -> dict[str, Any]:
    run = pick_run_get(number=number)
    rows = pick_rows(run=run)
    totes = pick_run_totes(run=run)
    orders = {o["number"]: o for o in SalesOrder.objects.filter(number__in=[t.order_number for t in totes])
              .values("number", "customer_name", "shipping_method")}
    items_of: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        for tote, _, quantity in row.totes:
            items_of[tote].append({"sku": row.article.sku, "name": row.article.name, "quantity": quantity,
                                   "bin": row.location.label or row.location.code})
    return {
        "kind": "pick_list", "number": run.number, "language": settings.LANGUAGE_CODE[:2],
        "issue_date": clock.local_date(run.created_at).isoformat(), "mode": run.mode, "carrier": run.carrier,
        "rows": [{"bin": row.location.label or row.location.code, "sku": row.article.sku, "gtin": row.article.gtin,
                  "name": row.article.name, "quantity": row.quantity,
                  "totes": [[tote, quantity] for tote, _, quantity in row.totes]} for row in rows],
        "totes": [{"tote": t.tote, "code": tote_code(run.number, t.tote), "order_number": t.order_number,
                   "customer_name": orders.get(t.order_number, {}).get("customer_name", ""),
                   "shipping_method": orders.get(t.order_number, {}).get("shipping_method", ""),
                   "items": items_of[t.tote]} for t in totes],
    }


def delivery_note_snapshot(number: str) -> dict[str, Any]:
    shipment = shipment_get(number=number)
    return {
        "kind": "delivery_note", "number": shipment.number, "language": shipment.language,
        "issue_date": clock.local_date(shipment.packed_at).isoformat(), "order_number": shipment.order_number,
        "carrier": shipment.carrier, "seller": _seller(), "customer_name": shipment.customer_name,
        "shipping_address": shipment.shipping_address,
        "lines": [{"position": line.line_position, "sku": line.sku, "name": line.name, "quantity": line.quantity}
                  for line in shipment.lines.all()],
        "parcels": len(shipment.parcels.all()),
        # The return slip: the period it prints and the signed portal link its QR code carries.
        "return_period_days": settings.KONTORHAUS["RETURN_PERIOD_DAYS"],
        "return_portal_url": portal_link(RETURNS, order_number=shipment.order_number),
    }
