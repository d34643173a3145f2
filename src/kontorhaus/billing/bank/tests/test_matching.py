"""Matching bank lines to open invoices: pure functions, no database."""

import datetime as dt
from decimal import Decimal

import pytest

from kontorhaus.billing.bank.matching import Matcher, OpenInvoice, allocate
from kontorhaus.billing.bank.references import name_tokens, references_in
from kontorhaus.billing.bank.types import ParsedTransaction

THRESHOLD = Decimal("0.8")


def line(remittance: str = "", amount: str = "44.88", *, currency: str = "EUR", credit: bool = True,
         name: str = "Erika Mustermann") -> ParsedTransaction:
    return ParsedTransaction(entry_key="E1", booking_date=dt.date(2026, 11, 27), value_date=None,
                             amount=Decimal(amount), currency=currency, credit=credit, counterparty_name=name,
                             remittance=remittance)


def invoice(seq: int, due: str = "44.88", *, order: int | None = None, name: str = "Erika Mustermann",
            company: str = "", currency: str = "EUR") -> OpenInvoice:
    return OpenInvoice(number=f"RE-2026-{seq:06d}", order_number=f"AU-2026-{order or seq + 500:06d}",
                       currency=currency, due=Decimal(due), names=(name, company))


def matcher(*invoices: OpenInvoice, closed: tuple[str, ...] = ()) -> Matcher:
    return Matcher(invoices, threshold=THRESHOLD, closed_numbers=closed)


@pytest.mark.parametrize("text", [
    "RE-2026-000123", "re 2026 123", "RE2026000123", "Rechnung 2026-000123", "Rechnungsnr. 2026/000123",
    "RE-2O26-000123", "Ihre Rechnung RE 2026-00123 vom 3.11.", "2026000123",
])
def test_invoice_number_written_in_many_ways_is_found_exactly(text):
    # given an open invoice RE-2026-000123 over 44.88
    m = matcher(invoice(123), invoice(124))
    # when a transfer of exactly its due names it
    result = m.match(line(text))
    # then it is booked in full with full confidence
    assert (result.status, result.confidence) == ("booked", Decimal("1.0"))
    assert [(a.invoice.number, a.amount) for a in result.allocations] == [("RE-2026-000123", Decimal("44.88"))]


@pytest.mark.parametrize("text", ["AU-2026-000623", "Bestellung AU-2026-00O623", "au2026623", "Auftrag 2026 623"])
def test_order_number_finds_the_orders_invoice(text):
    m = matcher(invoice(123, order=623), invoice(124, order=624))
    result = m.match(line(text))
    assert (result.status, result.confidence) == ("booked", Decimal("1.0"))
    assert result.allocations[0].invoice.number == "RE-2026-000123"


@pytest.mark.parametrize("text", ["RE-2026-000128", "RE-2026-0001293", "RE-2026-00293", "RE-2025-001293"])
def test_one_wrong_missing_or_extra_digit_with_the_right_amount_is_booked_at_0_9(text):
    # given RE-2026-001293 and another invoice whose number is far away
    m = matcher(invoice(1293 if "128" not in text else 123), invoice(777777))
    # when the number has one typo and the amount is the due
    result = m.match(line(text))
    # then it is booked with 0.9
    assert (result.status, result.confidence) == ("booked", Decimal("0.9")), result.reason
    assert result.allocations[0].invoice.number != "RE-2026-777777"


def test_typo_and_other_amount_waits_for_review():
    m = matcher(invoice(123))
    result = m.match(line("RE-2026-000128", "40.00"))
    assert result.status == "review"
    assert [s.invoice for s in result.suggestions] == ["RE-2026-000123"]


def test_a_paid_invoice_number_is_not_read_as_its_open_neighbour():
    # given RE-2026-000123 is paid (closed) and its neighbour 000124 open over the same amount
    m = matcher(invoice(124), closed=("RE-2026-000123",))
    # when the customer pays 000123 a second time
    result = m.match(line("RE-2026-000123"))
    # then nothing is booked: it waits for review with the reason
    assert result.status == "review"
    assert "already paid or cancelled" in result.reason


def test_partial_payment_with_exact_number_is_booked_at_0_8():
    result = matcher(invoice(123)).match(line("RE-2026-000123", "20.00"))
    assert (result.status, result.confidence) == ("booked", Decimal("0.8"))
    assert result.allocations[0].amount == Decimal("20.00")
    assert "partial payment, 24.88 EUR still due" in result.reason


def test_a_typo_that_hits_another_valid_number_is_not_booked_as_a_partial_payment():
    # given RE-2026-000123 over 44.88 and RE-2026-000128 over 19.99
    m = matcher(invoice(123, "44.88"), invoice(128, "19.99"))
    # when 44.88 arrives naming 000128 (the customer mistyped 3 as 8)
    result = m.match(line("RE-2026-000128", "44.88"))
    # then neither is booked: both are suggested, the one matching the amount first
    assert result.status == "review"
    assert [s.invoice for s in result.suggestions] == ["RE-2026-000123", "RE-2026-000128"]


def test_overpayment_is_booked_in_full_and_says_refunds_come_later():
    result = matcher(invoice(123)).match(line("RE-2026-000123", "50.00"))
    assert (result.status, result.confidence) == ("booked", Decimal("0.8"))
    assert result.allocations[0].amount == Decimal("50.00")
    assert "overpaid by 5.12 EUR" in result.reason and "refund" in result.reason


def test_one_transfer_for_several_invoices_books_each_due():
    m = matcher(invoice(123, "44.88"), invoice(124, "10.00"), invoice(125, "99.00"))
    result = m.match(line("RE-2026-000123 und RE-2026-000124", "54.88"))
    assert (result.status, result.confidence) == ("booked", Decimal("1.0"))
    assert [(a.invoice.number, a.amount) for a in result.allocations] == [
        ("RE-2026-000123", Decimal("44.88")), ("RE-2026-000124", Decimal("10.00"))]


def test_several_invoices_not_adding_up_wait_for_review():
    m = matcher(invoice(123, "44.88"), invoice(124, "10.00"))
    result = m.match(line("RE-2026-000123, RE-2026-000124", "50.00"))
    assert result.status == "review"
    assert {s.invoice for s in result.suggestions} == {"RE-2026-000123", "RE-2026-000124"}


def test_wrong_currency_waits_for_review_with_the_reason():
    result = matcher(invoice(123)).match(line("RE-2026-000123", currency="USD"))
    assert result.status == "review"
    assert result.reason == "amount in USD, invoice RE-2026-000123 is in EUR"
    assert result.allocations == ()


def test_unknown_reference_waits_for_review():
    result = matcher(invoice(123, "10.00")).match(line("RE-2026-999999 Danke", "44.88"))
    assert (result.status, result.suggestions) == ("review", ())
    assert "no open invoice over this amount" in result.reason


def test_amount_and_name_is_a_suggestion_at_0_7():
    # given two invoices over the same amount, one to Erika Mustermann
    m = matcher(invoice(123, name="Erika Mustermann"), invoice(124, name="Hans Schmidt"))
    # when Erika pays without any number
    result = m.match(line("Danke fuer die Lieferung", name="MUSTERMANN, ERIKA"))
    # then her invoice is suggested at 0.7, below the threshold
    assert (result.status, result.confidence) == ("review", Decimal("0.7"))
    assert result.suggestions[0].invoice == "RE-2026-000123"
    assert result.suggestions[1].score == Decimal("0.3")


def test_amount_only_is_never_booked_even_with_a_low_threshold():
    m = Matcher([invoice(123, name="Hans Schmidt")], threshold=Decimal("0.1"))
    result = m.match(line("Zahlung", name="Unbekannt"))
    assert (result.status, result.confidence) == ("review", Decimal("0.3"))


def test_amount_and_name_is_booked_when_the_threshold_allows_it():
    m = Matcher([invoice(123)], threshold=Decimal("0.7"))
    result = m.match(line("Zahlung"))
    assert result.status == "booked"


def test_debit_is_ignored_as_outgoing_payment():
    result = matcher(invoice(123)).match(line("RE-2026-000123", credit=False))
    assert (result.status, result.reason) == ("ignored", "outgoing payment")


def test_a_reversed_credit_is_never_booked():
    reversed_line = ParsedTransaction(entry_key="R", booking_date=dt.date(2026, 11, 27), value_date=None,
                                      amount=Decimal("44.88"), currency="EUR", credit=True,
                                      remittance="RE-2026-000123", reversal=True)
    result = matcher(invoice(123)).match(reversed_line)
    assert result.status == "review" and "reversal" in result.reason


def test_a_second_line_for_a_settled_invoice_is_not_booked_again():
    m = matcher(invoice(123))
    first = m.match(line("RE-2026-000123"))
    m.book(first)
    second = m.match(line("RE-2026-000123"))
    assert first.status == "booked"
    assert second.status == "review" and "already paid" in second.reason


def test_dates_and_amounts_are_not_read_as_references():
    assert references_in("Lieferung vom 2026-03-15, Betrag 2026.50") == []


def test_names_are_compared_by_normalised_tokens():
    assert name_tokens("Müller GmbH & Co. KG") == name_tokens("MUELLER")
    assert name_tokens("Herr Dr. Jörg Weiß") == frozenset({"joerg", "weiss"})


def test_allocate_fills_dues_in_order_and_gives_the_rest_to_the_last():
    dues = [("A", Decimal("10.00")), ("B", Decimal("5.00"))]
    assert allocate(Decimal("20.00"), dues) == [("A", Decimal("10.00")), ("B", Decimal("10.00"))]
    assert allocate(Decimal("12.00"), dues) == [("A", Decimal("10.00")), ("B", Decimal("2.00"))]
    assert allocate(Decimal("8.00"), dues) == [("A", Decimal("8.00"))]


def test_fifty_thousand_open_invoices_stay_fast():
    import time

    m = matcher(*(invoice(i, f"{10 + i % 500}.{i % 100:02d}") for i in range(1, 50_001)))
    lines = [line(f"RE-2026-{i:06d}" if i % 3 else f"RE-2026-{i + 10:06d}", f"{10 + i % 500}.{i % 100:02d}")
             for i in range(1, 2001)]
    start = time.perf_counter()
    statuses = [m.match(tx).status for tx in lines]
    assert time.perf_counter() - start < 2.0
    assert statuses.count("booked") >= 1300


def test_a_typo_that_names_another_customers_invoice_of_the_same_amount_waits_for_review():
    # given Erika's and Max's open invoices over the same amount, one digit apart
    m = matcher(invoice(1, name="Erika Mustermann"), invoice(2, name="Max Schmidt"))
    # when Max pays quoting Erika's number
    result = m.match(line("RE-2026-000001", name="Max Schmidt"))
    # then nothing is booked; Max's own invoice is suggested first
    assert result.status == "review"
    assert [s.invoice for s in result.suggestions] == ["RE-2026-000002", "RE-2026-000001"]
    # and Erika paying her own number is booked as before
    assert matcher(invoice(1, name="Erika Mustermann"), invoice(2, name="Max Schmidt")).match(
        line("RE-2026-000001", name="Erika Mustermann")).status == "booked"
