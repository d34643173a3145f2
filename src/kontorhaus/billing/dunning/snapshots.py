"""The plain data a dunning letter is rendered from (documents source "dunning_letter")."""

from .selectors import dunning_notice_get


def dunning_letter_snapshot(number: str) -> dict:
    notice = dunning_notice_get(number=number)
    invoice = notice.invoice
    return {
        "kind": "dunning_letter", "number": notice.number, "issue_date": notice.issue_date.isoformat(),
        "language": notice.language, "currency": notice.currency, "level": notice.level,
        "seller": notice.seller, "buyer": invoice.buyer, "order_number": invoice.order_number,
        "customer_number": invoice.customer_number, "invoice_number": invoice.number,
        "invoice_date": invoice.issue_date.isoformat(), "due_date": notice.due_date.isoformat(),
        "pay_by": notice.pay_by.isoformat(), "invoice_total": str(invoice.total_gross),
        "paid": str(invoice.total_gross - notice.amount_due), "amount_due": str(notice.amount_due),
        "fee": str(notice.fee), "total": str(notice.amount_due + notice.fee),
    }
