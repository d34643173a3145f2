"""Print data of the return slip (Rücksendeschein) at the foot of every delivery note: the order
number as text and Code 128 (the warehouse scans it when the parcel comes back), the return
deadline, and a QR code leading to the return portal for that order.

The deadline printed is the shipment's packing date plus the shop's return period: the legal
period runs from the customer's receipt of the goods, which is later, so the slip says "from
receipt, at least until …" and never promises less than the law gives. Reads no clock: the
date and the portal link come from the snapshot.
"""

import datetime as dt
from typing import Any

from .barcodes import barcode_svg, qr_svg
from .presentation import Formatter

TEXTS = {
    "de": {"title": "Rücksendeschein", "cut": "Bitte abtrennen und der Rücksendung beilegen",
           "order_number": "Auftragsnummer", "deadline": "Rücksendefrist",
           "deadline_text": "{days} Tage ab Erhalt der Ware, mindestens bis {date}",
           "qr_hint": "Widerruf und Rücksendung online anmelden: QR-Code scannen.",
           "no_qr": "Widerruf und Rücksendung online anmelden: im Kundenportal mit Auftragsnummer und Postleitzahl."},
    "en": {"title": "Return slip", "cut": "Please cut off and enclose with your return",
           "order_number": "Order number", "deadline": "Return deadline",
           "deadline_text": "{days} days from receipt of the goods, at least until {date}",
           "qr_hint": "Withdraw or register your return online: scan the QR code.",
           "no_qr": "Withdraw or register your return online: in the customer portal with your order number and "
                    "postal code."},
}


def return_deadline(snapshot: dict[str, Any]) -> dt.date | None:
    """Packing date + return period; None for a snapshot from before the return slip."""
    days = snapshot.get("return_period_days")
    if not days:
        return None
    return dt.date.fromisoformat(snapshot["issue_date"]) + dt.timedelta(days=int(days))


def return_slip_print_data(snapshot: dict[str, Any], fmt: Formatter) -> dict[str, Any] | None:
    """The slip's data, or None (no slip) for a delivery note snapshot without a return period."""
    deadline = return_deadline(snapshot)
    if deadline is None:
        return None
    texts = TEXTS.get(fmt.language, TEXTS["en"])
    url = snapshot.get("return_portal_url") or ""
    return {
        "title": texts["title"], "cut": texts["cut"],
        "order_label": texts["order_number"], "order_number": snapshot["order_number"],
        "order_barcode": barcode_svg(snapshot["order_number"], height=30),
        "deadline_label": texts["deadline"],
        "deadline": texts["deadline_text"].format(days=int(snapshot["return_period_days"]),
                                                  date=fmt.date(deadline.isoformat())),
        "qr": qr_svg(url), "url": url,
        "hint": texts["qr_hint"] if url else texts["no_qr"],
    }
