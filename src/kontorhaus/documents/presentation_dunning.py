"""Print data for a dunning letter, shaped for the shared invoice layout (_layout.typ): the
"lines" are the overdue invoice, the totals the open amount and the fee, the grand total what
is to be paid. Formats everything; reads no clock."""

from typing import Any

from kontorhaus.core.money import to_decimal

from .labels import dunning_title, labels_for
from .presentation import Formatter, _footer, address_lines


def dunning_letter_print_data(snapshot: dict[str, Any]) -> dict[str, Any]:
    fmt = Formatter(snapshot.get("language") or "de", snapshot.get("currency") or "EUR")
    labels = labels_for(fmt.language)
    seller, buyer = snapshot["seller"], snapshot.get("buyer") or {}
    home = seller.get("country", "DE")
    fee = fmt.money(snapshot["fee"]) if to_decimal(snapshot["fee"]) > 0 else ""
    total = fmt.money(snapshot["total"])
    level = int(snapshot["level"])
    return {
        "lang": fmt.language,
        "title": dunning_title(fmt.language, level),
        "number": snapshot["number"],
        "labels": {
            "position": labels["position"], "article": labels["dunning_document"],
            "quantity": labels["dunning_due_date"], "unit_price": labels["dunning_invoice_total"],
            "tax_rate": labels["dunning_paid"], "amount": labels["dunning_open"],
            "shipping_address": labels["shipping_address"], "page": labels["page"], "of": labels["of"],
        },
        "seller_name": seller.get("name", ""),
        "sender_line": " · ".join(p for p in (
            seller.get("name"), seller.get("street"),
            f"{seller.get('postal_code', '')} {seller.get('city', '')}".strip(),
        ) if p),
        "address": address_lines(buyer, fmt, home),
        "shipping_address": [],
        "meta": [row for row in (
            [labels["number_dunning_letter"], snapshot["number"]],
            [labels["issue_date_dunning_letter"], fmt.date(snapshot["issue_date"])],
            [labels["customer_number"], snapshot.get("customer_number") or ""],
            [labels["order_number"], snapshot.get("order_number") or ""],
            [labels["buyer_vat_id"], buyer.get("vat_id") or ""],
        ) if row[1]],
        "intro": labels["dunning_intro_first" if level == 1 else "dunning_intro"],
        "lines": [{
            "position": "1",
            "name": labels["dunning_invoice_row"].format(number=snapshot["invoice_number"],
                                                         date=fmt.date(snapshot["invoice_date"])),
            "sku": "", "quantity": fmt.date(snapshot["due_date"]), "unit_price": fmt.money(snapshot["invoice_total"]),
            "tax_rate": fmt.money(snapshot["paid"]), "amount": fmt.money(snapshot["amount_due"]),
        }],
        "totals": [[labels["dunning_open_amount"], fmt.money(snapshot["amount_due"])]]
        + ([[labels["dunning_fee"], fee]] if fee else []),
        "grand_total": [labels["dunning_total"], total],
        "remarks": [
            labels["dunning_pay_by"].format(amount=total, date=fmt.date(snapshot["pay_by"]),
                                            number=snapshot["invoice_number"]),
            labels["dunning_already_paid"],
        ],
        "footer": _footer(seller, labels),
    }
