"""The plain data a printed invoice or credit note is rendered from (documents app input):
the Typst print and the EN 16931 XML (documents.einvoice) are both made from it alone."""

from collections.abc import Iterable
from decimal import Decimal

from kontorhaus.core.money import plain

from .dunning.policy import ON_ACCOUNT_METHODS, invoice_due_date
from .models import CreditNote, Invoice, InvoiceLine
from .selectors import credit_note_get, invoice_get
from .states import PaymentSource


def _invoice_lines(lines: Iterable[InvoiceLine]) -> list[dict]:
    return [
        {"position": line.position, "sku": line.sku, "name": line.name, "quantity": _qty(line.quantity),
         "unit_price": plain(line.unit_price), "net": str(line.net), "tax_rate": str(line.tax_rate),
         "tax_category": line.tax_category, "tax": str(line.tax), "gross": str(line.gross)}
        for line in lines
    ]


def _qty(value: Decimal | int) -> str:
    value = Decimal(value)  # an int before the line is stored (the check before issue)
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value.normalize())


def _buckets(breakdown: list[dict]) -> list[dict]:
    # "country" tells OSS buckets of equal rate apart (the XML merges them per category and rate).
    return [{k: b[k] for k in ("rate", "category", "country", "net", "tax", "gross") if k in b} for b in breakdown]


def _due_date(invoice: Invoice) -> str | None:
    """BT-9: only purchase on account has a due date (the dunning policy's payment term)."""
    if invoice.payment_method not in ON_ACCOUNT_METHODS:
        return None
    return invoice_due_date(invoice.issue_date).isoformat()


def _common(doc: Invoice | CreditNote, invoice: Invoice) -> dict:
    return {
        "number": doc.number, "issue_date": doc.issue_date.isoformat(),
        "delivery_date": invoice.delivery_date.isoformat(), "order_number": invoice.order_number,
        "customer_number": invoice.customer_number, "language": invoice.language, "currency": doc.currency,
        "prices_include_vat": invoice.prices_include_vat, "payment_method": invoice.payment_method,
        "seller": invoice.seller, "buyer": invoice.buyer, "shipping_address": invoice.shipping_address,
        "tax_buckets": _buckets(doc.tax_breakdown), "total_net": str(doc.total_net),
        "total_tax": str(doc.total_vat), "total_gross": str(doc.total_gross), "vat_case": invoice.vat_case,
    }


def invoice_snapshot(number: str) -> dict:
    invoice = invoice_get(number=number)
    # Only what was known at issue: paid in the shop with the order. Later payments must not
    # change an issued invoice's print (the PDF may be rendered after they arrive).
    return invoice_snapshot_of(invoice, paid=invoice.payments.filter(source=PaymentSource.SHOP).exists())


def invoice_snapshot_of(invoice: Invoice, *, paid: bool, lines: Iterable[InvoiceLine] | None = None) -> dict:
    """`lines`: those of an invoice not stored yet (the check before issue)."""
    lines = invoice.lines.all() if lines is None else lines
    return {"kind": "invoice", **_common(invoice, invoice), "lines": _invoice_lines(lines),
            "paid": paid, "refers_to": None, "notes": list(invoice.notes),
            "due_date": _due_date(invoice)}


def credit_note_snapshot(number: str) -> dict:
    note = credit_note_get(number=number)
    return {"kind": "credit_note", **_common(note, note.invoice), "lines": note.lines, "paid": False,
            "refers_to": note.invoice.number, "refers_to_issue_date": note.invoice.issue_date.isoformat(),
            "credit_note_kind": note.kind,
            # the invoice's legal notes hold for its correction too (§ 19, § 6a, reverse charge …)
            "notes": [*note.invoice.notes, *([note.reason] if note.reason else [])]}
