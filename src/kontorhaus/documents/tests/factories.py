"""Snapshot dicts shaped like billing's issued snapshot, without depending on billing."""

from decimal import Decimal
from typing import Any

from kontorhaus.documents import registry

SELLER = {
    "name": "Kontorhaus Demo GmbH",
    "street": "Speicherstadt 1",
    "postal_code": "20457",
    "city": "Hamburg",
    "country": "DE",
    "vat_id": "DE123456788",
    "tax_number": "22/123/45678",
    "email": "shop@kontorhaus.example",
    "phone": "+49 40 123456",
    "iban": "DE02120300000000202051",
    "bic": "BYLADEM1001",
    "bank_name": "Demo Bank",
    "register": "Amtsgericht Hamburg HRB 000000",
    "managing_directors": "Erika Mustermann, Jürgen Größe",
}

BUYER = {
    "name": "Jörg Müßiggang",
    "company": "",
    "street": "Königsallee 12",
    "postal_code": "40212",
    "city": "Düsseldorf",
    "country": "DE",
    "vat_id": "",
    "email": "joerg@example.com",
}

_NAMES = ["T-Shirt M", "Kapuzenpullover Größe L", "Tasse „Kontorhaus“", "Socken (3 Paar)", "Jutebeutel"]


def snapshot_line(position: int, *, unit_gross: str = "19.99", quantity: int = 2) -> dict[str, Any]:
    gross = Decimal(unit_gross) * quantity
    net = (gross / Decimal("1.19")).quantize(Decimal("0.01"))
    return {
        "position": position,
        "sku": f"SKU-{position:04d}",
        "name": _NAMES[(position - 1) % len(_NAMES)],
        "quantity": str(quantity),
        "unit_price": unit_gross,
        "net": str(net),
        "tax_rate": "19.00",
        "tax": str(gross - net),
        "gross": str(gross),
    }


def invoice_snapshot(*, lines: int = 1, kind: str = "invoice", **overrides: Any) -> dict[str, Any]:
    items = [snapshot_line(i + 1) for i in range(lines)]
    net = sum(Decimal(i["net"]) for i in items)
    tax = sum(Decimal(i["tax"]) for i in items)
    gross = sum(Decimal(i["gross"]) for i in items)
    snapshot = {
        "kind": kind,
        "number": "RE-2026-000001" if kind == "invoice" else "GS-2026-000001",
        "issue_date": "2026-11-26",
        "delivery_date": "2026-11-26",
        "order_number": "AU-2026-000001",
        "customer_number": "K-000042",
        "language": "de",
        "currency": "EUR",
        "prices_include_vat": True,
        "payment_method": "prepayment",
        "paid": False,
        "refers_to": "RE-2026-000001" if kind == "credit_note" else None,
        "seller": dict(SELLER),
        "buyer": dict(BUYER),
        "shipping_address": None,
        "lines": items,
        "tax_buckets": [{"rate": "19.00", "category": "S", "net": str(net), "tax": str(tax), "gross": str(gross)}],
        "total_net": str(net),
        "total_tax": str(tax),
        "total_gross": str(gross),
        "notes": [],
    }
    snapshot.update(overrides)
    return snapshot


def register_snapshots(*snapshots: dict[str, Any]) -> None:
    """Register a source per kind serving exactly these snapshots (NotFound for others)."""
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for snapshot in snapshots:
        by_kind.setdefault(snapshot["kind"], {})[snapshot["number"]] = snapshot
    for kind, numbers in by_kind.items():
        registry.register_source(kind, _source(kind, numbers))


def _source(kind: str, numbers: dict[str, dict[str, Any]]) -> registry.Source:
    def source(number: str) -> dict[str, Any]:
        if number not in numbers:
            raise registry.NotFound(f"{kind} {number} not found")
        return numbers[number]

    return source
