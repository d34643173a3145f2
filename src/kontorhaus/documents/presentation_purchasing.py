"""The purchase order's print data for purchase_order.typ (STYLE 22): every amount and date
formatted here for the supplier's language (de, else en); nothing reads a clock."""

from typing import Any

from .labels import labels_for
from .presentation import Formatter, _footer, address_lines

PURCHASE_ORDER_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "purchase_order": "Bestellung", "number_purchase_order": "Bestellnummer", "issue_date": "Bestelldatum",
        "supplier_number": "Lieferantennummer", "expected_on": "Liefertermin", "payment_terms": "Zahlungsziel",
        "days": "{days} Tage netto", "supplier_sku": "Ihre Art.-Nr. {sku}", "our_sku": "unsere Art.-Nr. {sku}",
        "total_net": "Gesamtbetrag netto", "prices_net": "Alle Preise netto zzgl. Umsatzsteuer.",
        "deliver_to": "Lieferung an: {warehouse}.",
        "quote_number": "Bitte geben Sie auf Lieferschein und Rechnung unsere Bestellnummer {number} an.",
    },
    "en": {
        "purchase_order": "Purchase order", "number_purchase_order": "Order number", "issue_date": "Order date",
        "supplier_number": "Supplier number", "expected_on": "Delivery date", "payment_terms": "Payment terms",
        "days": "{days} days net", "supplier_sku": "Your item no. {sku}", "our_sku": "our item no. {sku}",
        "total_net": "Total (net)", "prices_net": "All prices are net, VAT excluded.",
        "deliver_to": "Deliver to: {warehouse}.",
        "quote_number": "Please quote our order number {number} on the delivery note and the invoice.",
    },
}
_LAYOUT_LABELS = ("position", "article", "quantity", "unit_price", "amount", "page", "of")


def purchase_order_print_data(snapshot: dict[str, Any]) -> dict[str, Any]:
    fmt = Formatter(snapshot.get("language") or "de", snapshot.get("currency") or "EUR")
    labels = {**labels_for(fmt.language), **PURCHASE_ORDER_LABELS[fmt.language]}
    buyer = snapshot["seller"]
    return {
        "lang": fmt.language,
        "title": labels["purchase_order"],
        "number": snapshot["number"],
        "labels": {key: labels[key] for key in _LAYOUT_LABELS},
        "seller_name": buyer.get("name", ""),
        "sender_line": " · ".join(p for p in (
            buyer.get("name"), buyer.get("street"), f"{buyer.get('postal_code', '')} {buyer.get('city', '')}".strip(),
        ) if p),
        "address": address_lines(snapshot.get("supplier"), fmt, buyer.get("country", "DE")),
        "meta": _meta(snapshot, fmt, labels),
        "intro": "",
        "lines": [_line(line, fmt, labels) for line in snapshot["lines"]],
        "grand_total": [labels["total_net"], fmt.money(snapshot["total_net"])],
        "remarks": _remarks(snapshot, labels, buyer),
        "footer": _footer(buyer, labels),
    }


def _meta(snapshot: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> list[list[str]]:
    rows = [
        [labels["number_purchase_order"], snapshot["number"]],
        [labels["issue_date"], fmt.date(snapshot.get("issue_date"))],
        [labels["supplier_number"], snapshot.get("supplier_number") or ""],
        [labels["expected_on"], fmt.date(snapshot.get("expected_on"))],
        [labels["payment_terms"], labels["days"].format(days=snapshot.get("payment_terms_days"))],
    ]
    return [row for row in rows if row[1]]


def _line(line: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> dict[str, str]:
    codes = [labels["supplier_sku"].format(sku=line["supplier_sku"])] if line.get("supplier_sku") else []
    codes.append(labels["our_sku"].format(sku=line["sku"]))
    return {
        "position": str(line["position"]), "name": line["name"], "sku": " · ".join(codes),
        "quantity": fmt.quantity(line["quantity"]), "unit_price": fmt.money(line["unit_price"]),
        "amount": fmt.money(line["net"]),
    }


def _remarks(snapshot: dict[str, Any], labels: dict[str, str], buyer: dict[str, Any]) -> list[str]:
    place = ", ".join(p for p in (buyer.get("name"), buyer.get("street"),
                                  f"{buyer.get('postal_code', '')} {buyer.get('city', '')}".strip()) if p)
    where = f"{place} ({snapshot['warehouse']})" if snapshot.get("warehouse") else place
    remarks = [labels["prices_net"], labels["deliver_to"].format(warehouse=where),
               labels["quote_number"].format(number=snapshot["number"])]
    if snapshot.get("note"):
        remarks.append(snapshot["note"])
    return remarks
