"""Print data for the warehouse's documents: the pick list (rows in walking order with the
article's barcode, then one block per tote with the order number's barcode) and the delivery
note (Lieferschein) with its return slip. Barcodes are made here as SVG; the templates only
place them. Reads no clock."""

from typing import Any

from .barcodes import article_barcode, barcode_svg
from .labels import labels_for
from .presentation import Formatter, _footer, address_lines
from .presentation_return_slip import return_slip_print_data

TEXTS = {
    "de": {"pick_list": "Pickliste", "delivery_note": "Lieferschein", "bin": "Lagerplatz", "article": "Artikel",
           "quantity": "Menge", "totes": "Kisten", "tote": "Kiste", "order": "Auftrag", "date": "Datum",
           "carrier": "Versand", "orders": "Aufträge", "units": "Einheiten", "position": "Pos.",
           "order_number": "Auftragsnummer", "delivery_date": "Lieferdatum", "parcels": "Pakete",
           "intro": "Wir liefern Ihnen folgende Artikel:", "picked": "✓", "page": "Seite", "of": "von",
           "rest_follows": "Noch fehlende Artikel liefern wir nach, sobald sie eingetroffen sind."},
    "en": {"pick_list": "Pick list", "delivery_note": "Delivery note", "bin": "Bin", "article": "Article",
           "quantity": "Qty", "totes": "Totes", "tote": "Tote", "order": "Order", "date": "Date",
           "carrier": "Carrier", "orders": "Orders", "units": "Units", "position": "Pos.",
           "order_number": "Order number", "delivery_date": "Delivery date", "parcels": "Parcels",
           "intro": "Please find enclosed the following items:", "picked": "✓", "page": "Page", "of": "of",
           "rest_follows": "Items still missing will follow as soon as they arrive."},
}


def _texts(language: str) -> dict[str, str]:
    return TEXTS.get(language, TEXTS["en"])


def pick_list_print_data(snapshot: dict[str, Any]) -> dict[str, Any]:
    fmt = Formatter(snapshot.get("language") or "de", "EUR")
    texts = _texts(fmt.language)
    article_codes: dict[tuple[str, str], str] = {}
    rows = []
    for row in snapshot["rows"]:
        key = (row["sku"], row.get("gtin") or "")
        if key not in article_codes:
            article_codes[key] = article_barcode(sku=row["sku"], gtin=row.get("gtin") or "", height=30)[1]
        rows.append({"bin": row["bin"], "sku": row["sku"], "name": row["name"], "quantity": str(row["quantity"]),
                     "barcode": article_codes[key],
                     "totes": ", ".join(f"{texts['tote']} {tote}: {units}" for tote, units in row["totes"])})
    return {
        "lang": fmt.language, "title": texts["pick_list"], "number": snapshot["number"], "labels": texts,
        "date": fmt.date(snapshot["issue_date"]), "carrier": snapshot.get("carrier") or "",
        "number_barcode": barcode_svg(snapshot["number"], height=30),
        "summary": f"{len(snapshot['totes'])} {texts['orders']} · {sum(r['quantity'] for r in snapshot['rows'])} "
                   f"{texts['units']}",
        "rows": rows,
        "totes": [{"tote": str(t["tote"]), "code": t["code"], "order_number": t["order_number"],
                   "customer_name": t["customer_name"], "shipping_method": t["shipping_method"],
                   "barcode": barcode_svg(t["order_number"], height=30),
                   "items": [{"quantity": str(i["quantity"]), "sku": i["sku"], "name": i["name"], "bin": i["bin"]}
                             for i in t["items"]]} for t in snapshot["totes"]],
    }


def delivery_note_print_data(snapshot: dict[str, Any]) -> dict[str, Any]:
    fmt = Formatter(snapshot.get("language") or "de", "EUR")
    texts, labels = _texts(fmt.language), labels_for(fmt.language)
    seller = snapshot["seller"]
    home = seller.get("country") or "DE"
    return {
        "lang": fmt.language, "title": texts["delivery_note"], "number": snapshot["number"], "labels": texts,
        "seller_name": seller.get("name") or "",
        "sender_line": " · ".join(p for p in (
            seller.get("name"), seller.get("street"),
            f"{seller.get('postal_code') or ''} {seller.get('city') or ''}".strip()) if p),
        "address": address_lines(snapshot.get("shipping_address"), fmt, home),
        "meta": [row for row in (
            [texts["order_number"], snapshot["order_number"]],
            [texts["delivery_date"], fmt.date(snapshot["issue_date"])],
            [texts["carrier"], snapshot.get("carrier") or ""],
            [texts["parcels"], str(snapshot.get("parcels") or "")],
        ) if row[1]],
        "order_barcode": barcode_svg(snapshot["order_number"], height=30),
        "lines": [{"position": str(line["position"]), "sku": line["sku"], "name": line["name"],
                   "quantity": fmt.quantity(str(line["quantity"]))} for line in snapshot["lines"]],
        "footer": _footer(seller, labels),
        "return_slip": return_slip_print_data(snapshot, fmt),
    }
