"""What follows every newly placed order, however it came in (shop intake, accepted quote):
the invoice at order (per INVOICE_POLICY), the payment made in the shop, the confirmation
e-mail with the invoice attached, and the download e-mail for digital goods already paid.

Runs inside the caller's flow transaction, right after `order_place`. The invoice's gapless
number locks the counter row until commit, so only these few writes follow it.
"""

from django.conf import settings

from kontorhaus.billing.models import Invoice
from kontorhaus.billing.services import InvoiceDraft, PaymentData, invoice_issue, payment_record
from kontorhaus.billing.states import PaymentSource
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.vat_rules import notes_for
from kontorhaus.sales.models import SalesOrder

from .confirmation import confirmation_enqueue
from .digital_delivery import digital_delivery_if_paid


def order_placed_followups(*, order: SalesOrder, paid: bool, actor: Actor) -> Invoice | None:
    """Returns the invoice issued for the order, or None when invoicing is at shipment."""
    invoice = None
    if settings.KONTORHAUS["INVOICE_POLICY"] == "at_order":
        # From here to commit the invoice counter row is locked (gapless numbers): only the
        # invoice, the shop payment and the confirmation e-mail follow. The PDF is rendered by
        # the worker when it sends the e-mail (or on the first download): no task of its own.
        invoice = invoice_issue(draft=invoice_draft(order), actor=actor)
    if paid:
        payment_record(
            data=PaymentData(order_number=order.number, amount=order.total_gross, currency=order.currency,
                             method=order.payment_method, source=PaymentSource.SHOP,
                             external_id=f"{order.channel}:{order.external_id}"),
            invoice=invoice, actor=actor,
        )
    confirmation_enqueue(order=order, invoice=invoice)
    digital_delivery_if_paid(order=order, actor=actor)  # paid in the shop: the download e-mail at once
    return invoice


def invoice_draft(order: SalesOrder) -> InvoiceDraft:
    lines = order.lines.all()
    customer = order.customer
    buyer = {**order.billing_address, "email": order.customer_email, "vat_id": order.customer_vat_id,
             "company": order.billing_address.get("company") or order.customer_company,
             "buyer_reference": customer.buyer_reference, "einvoice_format": customer.einvoice_format}
    return InvoiceDraft(
        order_number=order.number, customer_number=order.customer.number, language=order.language,
        currency=order.currency, prices_include_vat=order.prices_include_vat, tax_strategy=order.tax_strategy,
        payment_method=order.payment_method, buyer=buyer, shipping_address=order.shipping_address,
        lines=tuple(
            {"position": line.position, "sku": line.sku, "name": line.name, "quantity": line.quantity,
             "unit_price": line.unit_price, "tax_rate": line.tax_rate, "tax_category": line.tax_category,
             "net": line.net, "tax": line.tax, "gross": line.gross}
            for line in lines
        ),
        tax_breakdown=tuple(order.tax_breakdown), total_net=order.total_net, total_vat=order.total_vat,
        total_gross=order.total_gross, delivery_date=clock.local_date(order.placed_at),
        vat_case=order.vat_case,
        notes=tuple(notes_for([line.tax_category for line in lines], language=order.language)),
    )
