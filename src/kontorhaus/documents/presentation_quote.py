"""The quote's print data for quote.typ, which uses the shared invoice layout (_layout.typ).

The unit price column shows the list price; a line discount is named under the article, the
document discount in the remarks, and the amount column is the discounted line total, so
every figure the customer adds up is printed. Wording in the quote's language (de, else en).
"""

from typing import Any

from .labels import labels_for
from .presentation import Formatter, _footer, address_lines

QUOTE_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "quote": "Angebot", "number_quote": "Angebotsnummer", "issue_date_quote": "Angebotsdatum",
        "valid_until": "Gültig bis", "line_discount": "Rabatt {rate}",
        "document_discount": "Auf alle Positionen wurde ein Rabatt von {rate} gewährt (in den Beträgen enthalten).",
        "validity": "Dieses Angebot ist gültig bis zum {date}.",
        "prices_net": "Alle Preise zzgl. Umsatzsteuer.",
    },
    "en": {
        "quote": "Quote", "number_quote": "Quote number", "issue_date_quote": "Date",
        "valid_until": "Valid until", "line_discount": "Discount {rate}",
        "document_discount": "A discount of {rate} applies to all lines (included in the amounts).",
        "validity": "This quote is valid until {date}.",
        "prices_net": "All prices exclude VAT.",
    },
}
_LAYOUT_LABELS = ("position", "article", "quantity", "unit_price", "tax_rate", "amount", "shipping_address",
                  "page", "of")


def quote_print_data(snapshot: dict[str, Any]) -> dict[str, Any]:
    fmt = Formatter(snapshot.get("language") or "de", snapshot.get("currency") or "EUR")
    labels = {**labels_for(fmt.language), **QUOTE_LABELS[fmt.language]}
    seller = snapshot["seller"]
    gross = bool(snapshot.get("prices_include_vat"))
    return {
        "lang": fmt.language,
        "title": labels["quote"],
        "number": snapshot["number"],
        "labels": {key: labels[key] for key in _LAYOUT_LABELS},
        "seller_name": seller.get("name", ""),
        "sender_line": " · ".join(p for p in (
            seller.get("name"), seller.get("street"),
            f"{seller.get('postal_code', '')} {seller.get('city', '')}".strip(),
        ) if p),
        "address": address_lines(snapshot.get("buyer"), fmt, seller.get("country", "DE")),
        "shipping_address": address_lines(snapshot.get("shipping_address"), fmt, seller.get("country", "DE")),
        "meta": _meta(snapshot, fmt, labels),
        "intro": snapshot.get("intro") or "",
        "lines": [_line(line, fmt, labels, gross=gross) for line in snapshot["lines"]],
        "totals": _totals(snapshot, fmt, labels),
        "grand_total": [labels["total_gross"], fmt.money(snapshot["total_gross"])],
        "remarks": _remarks(snapshot, fmt, labels),
        "footer": _footer(seller, labels),
    }


def _meta(snapshot: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> list[list[str]]:
    rows = [
        [labels["number_quote"], snapshot["number"]],
        [labels["issue_date_quote"], fmt.date(snapshot.get("issue_date"))],
        [labels["valid_until"], fmt.date(snapshot.get("valid_until"))],
        [labels["customer_number"], snapshot.get("customer_number") or ""],
        [labels["buyer_vat_id"], (snapshot.get("buyer") or {}).get("vat_id") or ""],
    ]
    return [row for row in rows if row[1]]


def _line(line: dict[str, Any], fmt: Formatter, labels: dict[str, str], *, gross: bool) -> dict[str, str]:
    discount = fmt.rate(line["discount_percent"]) if line.get("discount_percent") not in (None, "0", "0.00") else ""
    sku = line.get("sku") or ""
    if discount:
        sku = " · ".join(p for p in (sku, labels["line_discount"].format(rate=discount)) if p)
    return {
        "position": str(line["position"]),
        "name": line["name"],
        "sku": sku,
        "quantity": fmt.quantity(line["quantity"]),
        "unit_price": fmt.money(line["unit_price"]),
        "tax_rate": fmt.rate(line["tax_rate"]),
        "amount": fmt.money(line["gross"] if gross else line["net"]),
    }


def _totals(snapshot: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> list[list[str]]:
    rows = [[labels["total_net"], fmt.money(snapshot["total_net"])]]
    for bucket in snapshot.get("tax_buckets", []):
        label = labels["tax"].format(rate=fmt.rate(bucket["rate"]), net=fmt.money(bucket["net"]))
        rows.append([label, fmt.money(bucket["tax"])])
    return rows


def _remarks(snapshot: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> list[str]:
    remarks = []
    if snapshot.get("discount_percent") not in (None, "0", "0.00"):
        remarks.append(labels["document_discount"].format(rate=fmt.rate(snapshot["discount_percent"])))
    remarks.append(labels["prices_gross"] if snapshot.get("prices_include_vat") else labels["prices_net"])
    remarks.append(labels["validity"].format(date=fmt.date(snapshot.get("valid_until"))))
    if snapshot.get("notes_text"):
        remarks.append(snapshot["notes_text"])
    remarks.extend(note for note in snapshot.get("notes") or [] if note)
    return remarks
