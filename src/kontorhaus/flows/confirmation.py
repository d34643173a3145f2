"""The order confirmation e-mail, with the invoice PDF attached when there is one (and the
XRechnung XML for buyers who asked for it)."""

from kontorhaus.billing.models import Invoice
from kontorhaus.core import formatting
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.documents.einvoice.model import SYNTAX_OF_CUSTOMER_FORMAT
from kontorhaus.documents.labels import payment_method_label
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.sales.models import LineKind, SalesOrder


def confirmation_context(order: SalesOrder, invoice: Invoice | None) -> dict:
    language = order.language
    shop = invoice.seller["name"] if invoice else company_profile_name()
    return {
        "shop_name": shop,
        "order_number": order.number,
        "customer_name": order.customer_name,
        "placed_at": order.placed_at,  # the templates format it in the customer's language
        "lines": [
            {"name": line.name, "quantity": line.quantity,
             "gross": formatting.money(line.gross, order.currency, language)}
            for line in order.lines.all() if line.kind == LineKind.ARTICLE
        ],
        "shipping": _shipping(order),
        "total_gross": formatting.money(order.total_gross, order.currency, language),
        "invoice_number": invoice.number if invoice else "",
        "payment_method": payment_method_label(language, order.payment_method),
    }


def _shipping(order: SalesOrder) -> str:
    shipping = [line.gross for line in order.lines.all() if line.kind == LineKind.SHIPPING]
    return formatting.money(sum(shipping), order.currency, order.language) if shipping else ""


def _attachments(invoice: Invoice | None) -> list[dict]:
    """The invoice PDF (Factur-X), and beside it the XRechnung XML for a buyer who asked for one."""
    if invoice is None:
        return []
    attachments = [{"kind": "invoice", "number": invoice.number}]
    if (invoice.buyer or {}).get("einvoice_format") in SYNTAX_OF_CUSTOMER_FORMAT:
        attachments.append({"kind": "invoice_xml", "number": invoice.number})
    return attachments


def confirmation_enqueue(*, order: SalesOrder, invoice: Invoice | None) -> None:
    email_enqueue(
        template=EmailTemplate.ORDER_CONFIRMATION,
        to=order.customer_email,
        language=order.language,
        context=confirmation_context(order, invoice),
        attachments=_attachments(invoice),
        related_type="sales.salesorder",
        related_ref=order.number,
        order_number=order.number,
    )
