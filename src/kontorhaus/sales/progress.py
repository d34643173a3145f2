"""The order's two derived views (STYLE 10): one function each, pure, from amounts and lines."""

from collections.abc import Iterable
from decimal import Decimal

from .states import FulfillmentState, PaymentState


def derive_payment_state(*, total: Decimal, paid: Decimal, refunded: Decimal) -> PaymentState:
    if refunded > 0:
        return PaymentState.REFUNDED if refunded >= paid else PaymentState.PARTIALLY_REFUNDED
    if paid <= 0:
        return PaymentState.UNPAID if total > 0 else PaymentState.PAID
    if paid < total:
        return PaymentState.PARTIALLY_PAID
    if paid > total:
        return PaymentState.OVERPAID
    return PaymentState.PAID


def derive_fulfillment_state(*, shipped_by_line: Iterable[tuple[int, int]]) -> FulfillmentState:
    """(ordered, shipped) per physical line. Pick, pack and delivery records join this
    function with the warehouse and shipping issues."""
    lines = list(shipped_by_line)
    shipped = sum(s for _, s in lines)
    if not lines or shipped == 0:
        return FulfillmentState.UNFULFILLED
    if all(s >= o for o, s in lines):
        return FulfillmentState.SHIPPED
    return FulfillmentState.PARTIALLY_SHIPPED
