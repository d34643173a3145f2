"""The order's two derived views (STYLE 10): one function each, pure, from amounts and lines."""

from collections.abc import Iterable
from decimal import Decimal

from .states import FulfillmentState, PaymentState, Readiness, SalesOrderStatus

ADDRESS_FIELDS = ("name", "street", "postal_code", "city", "country")


def derive_payment_state(*, owed: Decimal, paid: Decimal, refunded: Decimal, total: Decimal) -> PaymentState:
    """The payment state shown to a person, from what the order owes (its invoice less credit
    notes, as billing computes it; the order's total before an invoice), what came in and what
    went back. `total` (the order's own total) only tells a free order from an unpaid one.
    net = paid - refunded. The first matching row wins:

    | paid | refunded | net against owed | state              | e.g. (owed, paid, refunded)               |
    |------|----------|------------------|--------------------|-------------------------------------------|
    | 0    | 0        | order total = 0  | paid               | a free order (0, 0, 0)                    |
    | 0    | 0        | otherwise        | unpaid             | (44.88, 0, 0); cancelled unpaid (0, 0, 0) |
    | > 0  | 0        | net < owed       | partially_paid     | (44.88, 20, 0)                            |
    | > 0  | 0        | net = owed       | paid               | (44.88, 44.88, 0)                         |
    | > 0  | 0        | net > owed       | overpaid           | (44.88, 50, 0); paid, cancelled (0, 44.88, 0); |
    |      |          |                  |                    | credit note 10, refund not sent yet (34.88, 44.88, 0) |
    | any  | > 0      | net <= 0         | refunded           | cancelled and refunded (0, 44.88, 44.88)  |
    | any  | > 0      | net < owed       | partially_paid     | money owed again (44.88, 44.88, 10)       |
    | any  | > 0      | net = owed       | partially_refunded | credit note 10 refunded (34.88, 44.88, 10); |
    |      |          |                  |                    | overpayment refunded (44.88, 50, 5.12)    |
    | any  | > 0      | net > owed       | overpaid           | credit left to refund (44.88, 60, 5.12)   |

    The state is for display and lists. Whether the money is in — the release gate, digital
    delivery, the credit limit — is decided by `SalesOrder.balance_due <= 0`, never by a state.
    """
    net = paid - refunded
    if paid == 0 and refunded == 0:
        return PaymentState.PAID if total == 0 else PaymentState.UNPAID
    if refunded > 0 and net <= 0:
        return PaymentState.REFUNDED
    if net < owed:
        return PaymentState.PARTIALLY_PAID
    if net > owed:
        return PaymentState.OVERPAID
    return PaymentState.PARTIALLY_REFUNDED if refunded > 0 else PaymentState.PAID


def derive_fulfillment_state(  # noqa: PLR0913 - keyword-only facts of one order
    *, shipped_by_line: Iterable[tuple[int, int]], released: bool = False,
    delivered_by_line: Iterable[tuple[int, int]] = (), packed_by_line: Iterable[tuple[int, int]] = (),
    picking: bool = False, carrier_delivered_by_line: Iterable[tuple[int, int]] = (),
    returned_by_line: Iterable[tuple[int, int]] = (),
) -> FulfillmentState:
    """(ordered, shipped) per physical line — shipped meaning handed to the carrier —, whether
    the order was released to the warehouse, (ordered, delivered) per digital or service line,
    (ordered, packed) per physical line and whether units of it are on an open pick list or
    picked and not packed yet (`picking`). The first matching row wins:

    | physical lines                          | state             |
    |-----------------------------------------|-------------------|
    | none; digital/service all delivered     | delivered         |
    | every unit shipped, and all came back   | returned          |
    | every unit delivered by the carrier     | delivered         |
    | every unit shipped                      | shipped           |
    | some units shipped                      | partially_shipped |
    | some units packed, not handed over yet  | packed            |
    | units on a pick list or picked          | picking           |
    | released to the warehouse               | released          |
    | otherwise                               | unfulfilled       |

    `carrier_delivered_by_line` is (ordered, delivered) per physical line, delivered meaning
    the carrier reported the parcel delivered; `returned_by_line` is (shipped, returned) per
    physical line, returned meaning received back and inspected. A partial return leaves the
    state as it was (the return itself shows on the order). The physical part governs a mixed
    order."""
    lines = list(shipped_by_line)
    delivered = list(delivered_by_line)
    if not lines and delivered and all(d >= o for o, d in delivered):
        return FulfillmentState.DELIVERED
    if not lines:
        return FulfillmentState.RELEASED if released else FulfillmentState.UNFULFILLED
    shipped = sum(s for _, s in lines)
    returned = list(returned_by_line)
    if shipped and all(s >= o for o, s in lines) and returned and all(r >= s for s, r in returned):
        return FulfillmentState.RETURNED
    carrier_delivered = list(carrier_delivered_by_line)
    if shipped and carrier_delivered and all(d >= o for o, d in carrier_delivered):
        return FulfillmentState.DELIVERED
    if shipped and all(s >= o for o, s in lines):
        return FulfillmentState.SHIPPED
    if shipped:
        return FulfillmentState.PARTIALLY_SHIPPED
    if any(packed for _, packed in packed_by_line):
        return FulfillmentState.PACKED
    if picking:
        return FulfillmentState.PICKING
    return FulfillmentState.RELEASED if released else FulfillmentState.UNFULFILLED


def derive_readiness(  # noqa: PLR0913 - keyword-only facts of one order
    *, status: str, balance_due: Decimal, ship_before_payment: bool, reserved_by_line: Iterable[tuple[int, int]],
    shipping_address: dict, within_credit_limit: bool = True, ship_available: bool = False,
) -> Readiness:
    """May the warehouse ship now? (still to ship, reserved) per physical line — still to ship
    is what was ordered less what is packed already, so a shipped part no longer waits for
    stock. The first missing condition is the reason shown: the address, then the money (the
    order is settled when nothing is due, `balance_due <= 0`; or, for purchase on account, the
    customer's credit limit), then the stock: every unit still to ship reserved, or with
    `ship_available` (partial delivery) at least one."""
    lines = list(reserved_by_line)
    if status == SalesOrderStatus.CANCELLED:
        return Readiness.CANCELLED
    if not lines:
        return Readiness.NOTHING_TO_SHIP
    if not all(str(shipping_address.get(f) or "").strip() for f in ADDRESS_FIELDS):
        return Readiness.ADDRESS_INCOMPLETE
    if balance_due > 0:
        if not ship_before_payment:
            return Readiness.AWAITING_PAYMENT
        if not within_credit_limit:
            return Readiness.CREDIT_LIMIT_EXCEEDED
    if all(ordered == 0 for ordered, _ in lines):
        return Readiness.READY  # everything is packed: nothing waits
    if ship_available and any(reserved > 0 for ordered, reserved in lines if ordered > 0):
        return Readiness.READY
    if any(reserved < ordered for ordered, reserved in lines):
        return Readiness.AWAITING_STOCK
    return Readiness.READY
