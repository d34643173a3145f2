"""The payment state shown for every combination of what is owed, paid and refunded (the table
in `derive_payment_state`), and that the release gate reads the balance, not the state."""

import itertools
from decimal import Decimal

import pytest

from kontorhaus.sales.progress import derive_payment_state, derive_readiness
from kontorhaus.sales.states import PaymentState as S
from kontorhaus.sales.states import Readiness

D = Decimal
ADDRESS = {"name": "Erika", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"}

# (owed, paid, refunded) -> state; the order's total is 44.88 unless owed and total are both 0
TABLE = [
    # nothing paid, nothing refunded
    (("44.88", "0", "0"), S.UNPAID),
    (("0", "0", "0"), S.UNPAID),  # cancelled (or fully credited) before any money came
    # money in, nothing refunded: net against owed
    (("44.88", "20.00", "0"), S.PARTIALLY_PAID),
    (("44.88", "44.88", "0"), S.PAID),
    (("44.88", "50.00", "0"), S.OVERPAID),
    (("0", "44.88", "0"), S.OVERPAID),  # paid, then cancelled: to be refunded
    (("34.88", "44.88", "0"), S.OVERPAID),  # credit note 10.00, its refund not booked yet
    # refunds
    (("0", "44.88", "44.88"), S.REFUNDED),  # cancelled and refunded
    (("44.88", "44.88", "44.88"), S.REFUNDED),  # all paid went back, yet it is owed: net <= 0 wins
    (("44.88", "44.88", "10.00"), S.PARTIALLY_PAID),  # refunded without credit: money owed again
    (("34.88", "44.88", "10.00"), S.PARTIALLY_REFUNDED),  # credit note 10.00 and its refund
    (("44.88", "50.00", "5.12"), S.PARTIALLY_REFUNDED),  # overpayment refunded
    (("44.88", "60.00", "5.12"), S.OVERPAID),  # part of the overpayment refunded, 10.00 credit left
    (("24.88", "20.00", "10.00"), S.PARTIALLY_PAID),  # paid 20, credit note and refund 10: 14.88 due
]


@pytest.mark.parametrize(("amounts", "expected"), TABLE, ids=[f"{o}/{p}/{r}" for (o, p, r), _ in TABLE])
def test_payment_state_table(amounts, expected):
    owed, paid, refunded = (D(a) for a in amounts)
    assert derive_payment_state(owed=owed, paid=paid, refunded=refunded, total=D("44.88")) == expected


def test_a_free_order_is_paid():
    assert derive_payment_state(owed=D("0"), paid=D("0"), refunded=D("0"), total=D("0")) == S.PAID


COMBINATIONS = [(D(o), D(p), D(r)) for o, p, r in itertools.product(
    ["0", "10.00", "44.88"], ["0", "10.00", "44.88", "50.00"], ["0", "5.12", "10.00", "44.88"]) if D(r) <= D(p)]


@pytest.mark.parametrize(("owed", "paid", "refunded"), COMBINATIONS)
def test_every_combination_has_one_state_and_the_gate_follows_the_balance_only(owed, paid, refunded):
    # given any combination of owed, paid and refunded (refunds never exceed payments)
    due = owed - (paid - refunded)
    # then there is a state, and a state that promises the money is in never hides money due ...
    state = derive_payment_state(owed=owed, paid=paid, refunded=refunded, total=D("44.88"))
    if state in (S.PAID, S.OVERPAID, S.PARTIALLY_REFUNDED):
        assert due <= 0
    if state in (S.UNPAID, S.PARTIALLY_PAID) and (paid or refunded):
        assert due > 0
    # ... and the release gate waits exactly while something is due
    readiness = derive_readiness(status="open", balance_due=due, ship_before_payment=False,
                                 reserved_by_line=[(2, 2)], shipping_address=ADDRESS)
    assert readiness == (Readiness.AWAITING_PAYMENT if due > 0 else Readiness.READY)
