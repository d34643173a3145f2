"""The order's two derived views (STYLE 10): one function each, pure, from amounts and lines."""

from collections.abc import Iterable
from decimal import Decimal

from .states import FulfillmentState, PaymentState, Readiness, SalesOrderStatus

PAID_STATES = frozenset({PaymentState.PAID, PaymentState.OVERPAID})
ADDRESS_FIELDS = ("name", "street", "postal_code", "city", "country")


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


def derive_fulfillment_state(
    *, shipped_by_line: Iterable[tuple[int, int]], released: bool = False,
    delivered_by_line: Iterable[tuple[int, int]] = (),
) -> FulfillmentState:
    """(ordered, shipped) per physical line, whether the order was released to the warehouse,
    and (ordered, delivered) per digital or service line. Pick, pack and delivery records join
    this function with the warehouse and shipping issues.

    The physical part governs a mixed order; an order of digital and service lines only is
    delivered when each of them is."""
    lines = list(shipped_by_line)
    delivered = list(delivered_by_line)
    if not lines and delivered and all(d >= o for o, d in delivered):
        return FulfillmentState.DELIVERED
    shipped = sum(s for _, s in lines)
    if not lines or shipped == 0:
        return FulfillmentState.RELEASED if released else FulfillmentState.UNFULFILLED
    if all(s >= o for o, s in lines):
        return FulfillmentState.SHIPPED
    return FulfillmentState.PARTIALLY_SHIPPED


def derive_readiness(  # noqa: PLR0913 - keyword-only facts of one order
    *, status: str, payment_state: str, ship_before_payment: bool, reserved_by_line: Iterable[tuple[int, int]],
    shipping_address: dict, within_credit_limit: bool = True,
) -> Readiness:
    """May the warehouse ship now? (ordered, reserved) per physical line. The first missing
    condition is the reason shown: the address, then the money (or, for purchase on account,
    the customer's credit limit), then the stock."""
    lines = list(reserved_by_line)
    if status == SalesOrderStatus.CANCELLED:
        return Readiness.CANCELLED
    if not lines:
        return Readiness.NOTHING_TO_SHIP
    if not all(str(shipping_address.get(f) or "").strip() for f in ADDRESS_FIELDS):
        return Readiness.ADDRESS_INCOMPLETE
    if payment_state not in PAID_STATES:
        if not ship_before_payment:
            return Readiness.AWAITING_PAYMENT
        if not within_credit_limit:
            return Readiness.CREDIT_LIMIT_EXCEEDED
    if any(reserved < ordered for ordered, reserved in lines):
        return Readiness.AWAITING_STOCK
    return Readiness.READY
