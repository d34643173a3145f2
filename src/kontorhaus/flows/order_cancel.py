"""Order cancelled: refused once anything of it is packed; else the order leaves its open pick
run (units not picked yet come off the pick list; a run left with nothing open completes),
the order is closed, its reserved stock goes back (units already picked from the packing area
to their bin), an issued invoice is
cancelled by a credit note (the order owes nothing now: money paid for it shows as the
customer's credit, to be refunded), orders of the customer held by their credit limit are
checked again, and the customer is told — in one transaction."""

from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_cancellation
from kontorhaus.billing.states import InvoiceStatus
from kontorhaus.core import formatting
from kontorhaus.core.audit import Actor
from kontorhaus.core.transactions import flow
from kontorhaus.documents.einvoice.model import SYNTAX_OF_CUSTOMER_FORMAT
from kontorhaus.fulfillment.services_picking import pick_run_order_close
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_lock
from kontorhaus.sales.services import order_cancel as sales_order_cancel
from kontorhaus.sales.states import SalesOrderStatus

from .credit_limit import credit_limit_recheck
from .order_balance import order_balance_refresh


@flow
def order_cancel(*, order: SalesOrder, actor: Actor, reason: str = "") -> SalesOrder:
    # Decided on the locked row, not the caller's copy: a double click or a retried API call
    # must not send a second cancellation e-mail.
    # The order is locked first, as in packing and picking (one lock order: no deadlock).
    if order_lock(order=order).status == SalesOrderStatus.CANCELLED:
        return sales_order_cancel(order=order, actor=actor, reason=reason)  # a no-op, the current row
    # Off its pick run: its units not picked are dropped from the list, so the run can complete.
    # Sales zeroes the lines' pick counters with the reservations (all of them go back).
    pick_run_order_close(order_number=order.number, actor=actor)
    order = sales_order_cancel(order=order, actor=actor, reason=reason)  # refuses a packed order
    invoice = invoice_for_order(order_number=order.number)
    attachments = []
    if invoice is not None and invoice.status == InvoiceStatus.ISSUED:
        note = credit_note_issue_cancellation(invoice=invoice, reason=reason or "Stornierung", actor=actor)
        attachments.append({"kind": "credit_note", "number": note.number})
        if (invoice.buyer or {}).get("einvoice_format") in SYNTAX_OF_CUSTOMER_FORMAT:
            attachments.append({"kind": "credit_note_xml", "number": note.number})  # XRechnung buyer
    order = order_balance_refresh(order=order, actor=actor)
    credit_limit_recheck(customer_id=order.customer_id, actor=actor)  # its limit room grew
    email_enqueue(
        template=EmailTemplate.ORDER_CANCELLED, to=order.customer_email, language=order.language,
        context={"order_number": order.number, "customer_name": order.customer_name, "reason": reason,
                 "total_gross": formatting.money(order.total_gross, order.currency, order.language)},
        attachments=attachments, related_type="sales.salesorder", related_ref=order.number,
        order_number=order.number,
    )
    return order
