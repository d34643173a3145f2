import random
from decimal import Decimal

import pytest

from kontorhaus.billing.refunds.services_credit_notes import invoice_uncredited_gross, split_by_weight
from kontorhaus.billing.refunds.states import CreditNoteKind
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_cancellation, credit_note_issue_partial
from kontorhaus.billing.snapshots import credit_note_snapshot
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.sales.tests.factories import TESTER

from .factories import mixed_vat_order, simple_order

pytestmark = pytest.mark.django_db


def test_a_partial_credit_note_splits_the_gross_over_the_vat_rates_to_the_cent():
    # given an invoice of 54.88: 44.88 at 19 % and 10.00 at 7 %
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    # when 20.00 of it is credited
    note = credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("20.00"), reason="Kulanz", actor=TESTER)
    # then 16.36 (exact 16.3557, the largest remainder gets the cent) at 19 % and 3.64 at 7 %
    assert note.kind == CreditNoteKind.PARTIAL
    assert [(b["rate"], b["net"], b["tax"], b["gross"]) for b in note.tax_breakdown] == [
        ("19.00", "13.75", "2.61", "16.36"), ("7.00", "3.40", "0.24", "3.64")]
    assert (note.total_net, note.total_vat, note.total_gross) == (Decimal("17.15"), Decimal("2.85"), Decimal("20.00"))
    assert [line["name"] for line in note.lines] == [
        f"Erstattung zu Rechnung {invoice.number} (19 % USt.)", f"Erstattung zu Rechnung {invoice.number} (7 % USt.)"]
    assert sum(Decimal(line["gross"]) for line in note.lines) == note.total_gross


def test_partial_credit_notes_never_credit_more_than_the_invoice():
    # given 50.00 of a 54.88 invoice credited already
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("50.00"), reason="", actor=TESTER)
    # when 5.00 more is credited, then it is refused with what is left
    with pytest.raises(InvalidInput) as refused:
        credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("5.00"), reason="", actor=TESTER)
    assert refused.value.code == "credit_exceeds_invoice"
    assert refused.value.details["uncredited"] == "4.88"
    # and the remaining 4.88 can be credited exactly
    last = credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("4.88"), reason="", actor=TESTER)
    assert last.total_gross == Decimal("4.88")


@pytest.mark.parametrize("amount", ["0", "-1.00", "1.005"])
def test_a_partial_credit_note_needs_a_positive_amount_in_cents(amount):
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    with pytest.raises(InvalidInput):
        credit_note_issue_partial(invoice=invoice, amount_gross=Decimal(amount), reason="", actor=TESTER)


def test_a_cancelled_invoice_has_nothing_left_to_credit():
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    with pytest.raises(InvalidInput):
        credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("1.00"), reason="", actor=TESTER)


def test_the_partial_credit_note_renders_from_its_snapshot():
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    note = credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("20.00"), reason="Kulanz", actor=TESTER)
    snapshot = credit_note_snapshot(note.number)
    assert snapshot["kind"] == "credit_note" and snapshot["refers_to"] == invoice.number
    assert snapshot["total_gross"] == "20.00" and len(snapshot["tax_buckets"]) == 2


@pytest.mark.parametrize(("amount", "weights", "expected"), [
    ("0.01", ["1.00", "1.00"], ["0.01", "0.00"]),
    ("10.00", ["1.00", "1.00", "1.00"], ["3.34", "3.33", "3.33"]),
    ("54.88", ["44.88", "10.00"], ["44.88", "10.00"]),
    ("1.00", ["0.00", "5.00"], ["0.00", "1.00"]),
])
def test_splitting_by_weight_adds_up_exactly(amount, weights, expected):
    parts = split_by_weight(Decimal(amount), [Decimal(w) for w in weights], "EUR")
    assert parts == [Decimal(e) for e in expected]
    assert sum(parts) == Decimal(amount)


def test_cancelling_a_partly_credited_invoice_credits_only_the_rest():
    # given 20.00 of a 54.88 invoice credited
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("20.00"), reason="", actor=TESTER)
    # when the invoice is cancelled
    note = credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    # then the cancellation credits the 34.88 left (28.52 at 19 %, 6.36 at 7 %), never more than the invoice
    assert note.kind == CreditNoteKind.CANCELLATION
    assert note.total_gross == Decimal("34.88")
    assert [b["gross"] for b in note.tax_breakdown] == ["28.52", "6.36"]
    assert invoice_uncredited_gross(invoice=invoice) == Decimal("0.00")

# --- what is left per VAT rate (review finding 4) ----------------------------------------------

def _credited(invoice) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """(gross, net, VAT) credited per rate by all of the invoice's credit notes."""
    sums: dict[str, list[Decimal]] = {}
    for note in invoice.credit_notes.all():
        assert note.total_gross == sum(Decimal(b["gross"]) for b in note.tax_breakdown)
        assert (note.total_net, note.total_vat) == (sum(Decimal(b["net"]) for b in note.tax_breakdown),
                                                    sum(Decimal(b["tax"]) for b in note.tax_breakdown))
        for b in note.tax_breakdown:
            assert Decimal(b["net"]) + Decimal(b["tax"]) == Decimal(b["gross"])
            assert min(Decimal(b["net"]), Decimal(b["tax"]), Decimal(b["gross"])) >= 0
            row = sums.setdefault(b["rate"], [Decimal(0)] * 3)
            for i, key in enumerate(("gross", "net", "tax")):
                row[i] += Decimal(b[key])
    return {rate: tuple(row) for rate, row in sums.items()}


def _invoiced(invoice) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return {b["rate"]: (Decimal(b["gross"]), Decimal(b["net"]), Decimal(b["tax"])) for b in invoice.tax_breakdown}


def _never_more_than_invoiced(invoice) -> None:
    invoiced = _invoiced(invoice)
    for rate, credited in _credited(invoice).items():
        assert all(c <= i for c, i in zip(credited, invoiced[rate], strict=True)), (rate, credited, invoiced[rate])


def test_44_partial_notes_of_one_euro_and_the_rest_credit_exactly_the_invoiced_net_and_vat():
    # given an invoice of 44.88 at 19 %: net 37.71, VAT 7.17
    invoice = invoice_for_order(order_number=simple_order().number)
    assert _invoiced(invoice) == {"19.00": (Decimal("44.88"), Decimal("37.71"), Decimal("7.17"))}
    # when 44 partial notes of 1.00 each (net 0.84, VAT 0.16) are issued, and then the rest cancelled
    for _ in range(44):
        note = credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("1.00"), reason="", actor=TESTER)
        assert (note.total_net, note.total_vat) == (Decimal("0.84"), Decimal("0.16"))
    rest = credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    # then the rest credits exactly what is left: 0.88 = net 0.75 + VAT 0.13 (not 0.74 + 0.14)
    assert rest.kind == CreditNoteKind.CANCELLATION
    assert (rest.total_gross, rest.total_net, rest.total_vat) == (Decimal("0.88"), Decimal("0.75"), Decimal("0.13"))
    # and all notes together credit net 37.71 and VAT 7.17, not 37.70 and 7.18
    assert _credited(invoice) == _invoiced(invoice)


def test_three_cents_and_the_rest_of_a_mixed_rate_invoice_credit_each_rate_exactly():
    # given 44.88 at 19 % and 10.00 at 7 %
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    # when three partial notes of 0.01 are issued (each cent goes to the larger 19 % bucket)
    for _ in range(3):
        note = credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("0.01"), reason="", actor=TESTER)
        assert [(b["rate"], b["gross"]) for b in note.tax_breakdown] == [("19.00", "0.01")]
    # and then the rest is cancelled
    rest = credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    # then the rest is 44.85 at 19 % and 10.00 at 7 % (not 44.86 / 9.99), with exactly the net and VAT left
    left = {b["rate"]: b["gross"] for b in rest.tax_breakdown}
    assert left == {"19.00": "44.85", "7.00": "10.00"}
    assert _credited(invoice) == _invoiced(invoice)


def test_a_partial_note_of_exactly_the_remaining_gross_credits_exactly_what_is_left():
    invoice = invoice_for_order(order_number=mixed_vat_order().number)
    credit_note_issue_partial(invoice=invoice, amount_gross=Decimal("33.33"), reason="", actor=TESTER)
    last = credit_note_issue_partial(invoice=invoice, amount_gross=invoice_uncredited_gross(invoice=invoice),
                                     reason="", actor=TESTER)
    assert last.kind == CreditNoteKind.PARTIAL
    assert _credited(invoice) == _invoiced(invoice)
    assert invoice_uncredited_gross(invoice=invoice) == 0


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("factory", [simple_order, mixed_vat_order], ids=["one-rate", "mixed-rates"])
def test_random_partial_credits_never_exceed_a_rate_and_end_at_exactly_the_invoice(seed, factory):
    """Property: any sequence of partial credits, finished by a cancellation of the rest or a
    partial note of the rest, credits exactly the invoice's gross, net and VAT per rate, and at
    no point more than the invoice charged at any rate."""
    rng = random.Random(seed)
    invoice = invoice_for_order(order_number=factory().number)
    while (left := invoice_uncredited_gross(invoice=invoice)) > 0 and rng.random() < 0.9:
        cents = int(left * 100)
        amount = Decimal(rng.choice([1, 2, 3, rng.randint(1, cents), rng.randint(1, max(cents // 5, 1))])) / 100
        credit_note_issue_partial(invoice=invoice, amount_gross=min(amount, left), reason="", actor=TESTER)
        _never_more_than_invoiced(invoice)
    if seed % 2:
        credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    elif (left := invoice_uncredited_gross(invoice=invoice)) > 0:
        credit_note_issue_partial(invoice=invoice, amount_gross=left, reason="", actor=TESTER)
    assert _credited(invoice) == _invoiced(invoice)
