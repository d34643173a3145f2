from decimal import Decimal

import pytest

from kontorhaus.billing.refunds.services_credit_notes import invoice_uncredited_gross, split_by_weight
from kontorhaus.billing.refunds.states import CreditNoteKind
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_cancellation, credit_note_issue_partial
from kontorhaus.billing.snapshots import credit_note_snapshot
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.sales.tests.factories import TESTER

from .factories import mixed_vat_order

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
