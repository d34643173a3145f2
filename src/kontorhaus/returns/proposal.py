"""The refund proposal of an inspected return, per order — a pure computation.

Per order: the goods (each line's share of the order line's gross: all of it when every unit
comes back, else gross × units / ordered, rounded — and the return that brings the line's last
unit back gets what earlier returns left of the gross, so no cent is lost), less the loss of value entered at
inspection (§ 357a Abs. 1 BGB); plus the outbound standard delivery once every ordered unit was
shipped and has come back (a full withdrawal, § 357 Abs. 2 BGB), unless an earlier return
refunded it already; less the return shipping when the customer bears it by the shop's policy
and used the shop's label. A wrong item earns nothing: it is not what we sold. Never below zero.
"""

from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.core.money import ZERO, quantize

from .states import Condition


@dataclass(frozen=True)
class LineFacts:
    order_number: str
    units: int
    ordered_units: int
    ordered_gross: Decimal
    condition: str
    loss_of_value: Decimal
    earlier_units: int = 0  # units of the same order line on earlier returns (and lines before this one)
    earlier_goods: Decimal = ZERO  # the goods those refunded


def line_goods(line: LineFacts, currency: str) -> Decimal:
    """What the line's units are worth: its share of the order line's gross; the units that
    complete the order line get the rest of the gross, so the shares add up to it exactly."""
    if line.condition == Condition.WRONG_ITEM:
        return ZERO
    if line.earlier_units + line.units >= line.ordered_units:
        return max(line.ordered_gross - line.earlier_goods, ZERO)
    return quantize(line.ordered_gross * line.units / line.ordered_units, currency)


@dataclass(frozen=True)
class OrderFacts:
    number: str
    currency: str
    shipping_gross: Decimal  # the order's shipping lines
    fully_returned: bool  # with this return, every ordered unit was shipped and is back
    shipping_refunded_before: bool


@dataclass(frozen=True)
class Rules:
    standard_delivery_gross: Decimal | None
    return_fee: Decimal  # deducted once per return; zero when the shop bears return shipping


def refund_proposal(*, lines: list[LineFacts], orders: list[OrderFacts], rules: Rules) -> list[dict]:
    """[{"order", "goods", "deduction", "shipping", "return_shipping", "total"}] as strings, one
    per order in `orders` order; the return fee is taken from the first order with money left."""
    result, fee_left = [], rules.return_fee
    for order in orders:
        own = [line for line in lines if line.order_number == order.number]
        goods = sum((line_goods(line, order.currency) for line in own), ZERO)
        deduction = min(sum((line.loss_of_value for line in own), ZERO), goods)
        shipping = ZERO
        if order.fully_returned and not order.shipping_refunded_before:
            cap = rules.standard_delivery_gross
            shipping = order.shipping_gross if cap is None else min(order.shipping_gross, cap)
        before_fee = quantize(goods - deduction + shipping, order.currency)
        fee = min(fee_left, before_fee)
        fee_left -= fee
        result.append({"order": order.number, "goods": str(goods), "deduction": str(deduction),
                       "shipping": str(shipping), "return_shipping": str(fee), "total": str(before_fee - fee)})
    return result
