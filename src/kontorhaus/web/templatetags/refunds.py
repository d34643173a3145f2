"""The refunds panel of the order page (web/order_refunds.html) and the words for its codes."""

from django import template
from django.utils.translation import gettext_lazy as _

from kontorhaus.billing.refunds.selectors import refunds_overview_for_order
from kontorhaus.billing.refunds.states import RefundMethod, RefundStatus
from kontorhaus.sales.models import SalesOrder

register = template.Library()

LABELS = {
    RefundStatus.REQUESTED: _("Requested"),
    RefundStatus.SENT: _("Sent"),
    RefundStatus.DONE: _("Done"),
    RefundStatus.FAILED: _("Failed"),
    RefundMethod.PSP: _("Payment provider"),
    RefundMethod.BANK: _("Bank transfer (SEPA)"),
    RefundMethod.MANUAL: _("By hand"),
}


@register.simple_tag
def order_refunds(order: SalesOrder) -> dict:
    refunds, refundable = refunds_overview_for_order(order_number=order.number)
    return {"refunds": refunds, "refundable": refundable}


@register.filter
def refund_label(code: str) -> str:
    return str(LABELS.get(code, code))
