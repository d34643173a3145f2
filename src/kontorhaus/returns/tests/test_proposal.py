"""The refund proposal, exact to the cent: goods, loss of value, outbound shipping on a full
withdrawal (capped to the standard delivery), the return shipping fee, wrong items."""

from decimal import Decimal as D

from kontorhaus.returns.proposal import LineFacts, OrderFacts, Rules, refund_proposal


def order(number: str = "AU-1", *, full: bool = True, shipping: str = "4.90", before: bool = False) -> OrderFacts:
    return OrderFacts(number=number, currency="EUR", shipping_gross=D(shipping), fully_returned=full,
                      shipping_refunded_before=before)


def line(units: int = 2, ordered: int = 2, gross: str = "20.00", condition: str = "resellable", loss: str = "0",
         number: str = "AU-1") -> LineFacts:
    return LineFacts(order_number=number, units=units, ordered_units=ordered, ordered_gross=D(gross),
                     condition=condition, loss_of_value=D(loss))


NO_RULES = Rules(standard_delivery_gross=None, return_fee=D("0"))


def test_full_return_refunds_goods_and_shipping() -> None:
    [p] = refund_proposal(lines=[line()], orders=[order()], rules=NO_RULES)
    assert p == {"order": "AU-1", "goods": "20.00", "deduction": "0.00", "shipping": "4.90",
                 "return_shipping": "0", "total": "24.90"}


def test_partial_return_shares_the_line_gross_and_keeps_shipping() -> None:
    [p] = refund_proposal(lines=[line(units=1, ordered=3, gross="10.00")], orders=[order(full=False)], rules=NO_RULES)
    assert (D(p["goods"]), D(p["shipping"]), D(p["total"])) == (D("3.33"), D("0"), D("3.33"))


def test_loss_of_value_and_return_fee_are_deducted_and_express_capped() -> None:
    rules = Rules(standard_delivery_gross=D("4.90"), return_fee=D("5.00"))
    [p] = refund_proposal(lines=[line(loss="2.50")], orders=[order(shipping="9.90")], rules=rules)
    assert (D(p["deduction"]), D(p["shipping"]), D(p["return_shipping"]), D(p["total"])) == (
        D("2.50"), D("4.90"), D("5.00"), D("17.40"))


def test_wrong_item_earns_nothing_and_never_below_zero() -> None:
    rules = Rules(standard_delivery_gross=None, return_fee=D("5.00"))
    [p] = refund_proposal(lines=[line(condition="wrong_item")], orders=[order(full=False)], rules=rules)
    assert D(p["total"]) == D("0") and D(p["return_shipping"]) == D("0")


def test_shipping_refunded_once_and_fee_taken_once_across_orders() -> None:
    rules = Rules(standard_delivery_gross=None, return_fee=D("3.00"))
    a, b = refund_proposal(lines=[line(number="AU-1"), line(number="AU-2", gross="8.00")],
                           orders=[order("AU-1", before=True), order("AU-2")], rules=rules)
    assert (D(a["shipping"]), D(a["total"])) == (D("0"), D("17.00"))
    assert (D(b["shipping"]), D(b["return_shipping"]), D(b["total"])) == (D("4.90"), D("0"), D("12.90"))
