"""MT940 rules on small hand-built files: German :86: subfields, reversals, dates, envelopes."""

from decimal import Decimal

import pytest

from kontorhaus.billing.bank.parsing import StatementFormatError, parse_statement


def mt940(*lines: str, opening="C251230EUR100,00", closing="C260102EUR90,00") -> bytes:
    body = [
        ":20:STARTUMS",
        ":25:DE14740618130000033626",
        ":28C:00001/001",
        f":60F:{opening}",
        *lines,
        f":62F:{closing}",
        "-",
    ]
    return "\r\n".join(body).encode()


def only_transaction(data: bytes):
    (statement,) = parse_statement(data)
    (tx,) = statement.transactions
    return tx


def test_sepa_credit_with_structured_86():
    tx = only_transaction(
        mt940(
            ":61:2601020102CR12,50NTRFNONREF//BANKREF123",
            ":86:166?00GUTSCHR. UEBERWEISUNG?109249?20EREF+AU-2026-000123?21SVWZ+Rechnung RE-2026-0000",
            "01 danke?30BYLADEM1001?31DE58740618130100033626?32Erika Mus?33termann?34000",
        )
    )
    assert (tx.amount, tx.credit, tx.reversal, tx.currency) == (Decimal("12.50"), True, False, "EUR")
    assert tx.end_to_end_id == "AU-2026-000123"
    assert tx.remittance == "Rechnung RE-2026-000001 danke"
    assert (tx.counterparty_name, tx.counterparty_iban) == ("Erika Mus termann", "DE58740618130100033626")
    assert (tx.bank_reference, tx.entry_key) == ("BANKREF123", "DE14740618130000033626|BANKREF123")


def test_kref_and_mref_are_not_the_remittance_but_free_text_is_kept_without_svwz():
    tx = only_transaction(
        mt940(
            ":61:260102D5,00NDDTNONREF", ":86:105?20EREF+NOTPROVIDED?21KREF+K-77?22MREF+M-1?23CRED+DE98ZZZ09999999999"
        )
    )
    assert (tx.credit, tx.end_to_end_id, tx.remittance) == (False, "", "K-77")


def test_unstructured_86_is_the_remittance():
    tx = only_transaction(mt940(":61:260102C5,00NMSCNONREF", ":86:Zahlung Rechnung RE-2026-000001"))
    assert tx.remittance == "Zahlung Rechnung RE-2026-000001"


@pytest.mark.parametrize(("mark", "credit"), [("C", True), ("D", False), ("RC", False), ("RD", True)])
def test_direction_and_reversal_marks(mark, credit):
    tx = only_transaction(mt940(f":61:260102{mark}5,00NMSCNONREF"))
    assert (tx.credit, tx.reversal) == (credit, mark.startswith("R"))


def test_booking_date_rolls_over_the_year():
    tx = only_transaction(mt940(":61:2512310102C5,NMSCNONREF"))
    assert (tx.value_date.isoformat(), tx.booking_date.isoformat()) == ("2025-12-31", "2026-01-02")
    assert tx.amount == Decimal("5")


def test_balances_are_signed():
    (statement,) = parse_statement(mt940(":61:260102D5,00NMSCNONREF", opening="D251230EUR1,5", closing="D260102EUR6,5"))
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("-1.5"), Decimal("-6.5"))
    assert (statement.format, statement.statement_id, statement.created_at) == ("mt940", "STARTUMS/00001/001", None)


def test_swift_envelope_and_several_statements():
    one = mt940(":61:260102C5,00NMSCNONREF").decode()
    data = f"{{1:F01BANKDEFFAXXX0000000000}}{{2:O9400000000000}}{{4:\r\n{one}}}\r\n{{1:F01X}}{{4:\r\n{one}}}"
    statements = parse_statement(data.encode())
    assert len(statements) == 2 and all(len(s.transactions) == 1 for s in statements)


def test_latin1_umlauts():
    data = (
        mt940(":61:260102C5,00NMSCNONREF", ":86:166?20SVWZ+Danke?32J\u00fcrgen M\u00fcller").decode().encode("latin-1")
    )
    assert only_transaction(data).counterparty_name == "Jürgen Müller"


def test_identical_lines_get_distinct_stable_keys():
    data = mt940(":61:260102C5,00NMSCNONREF", ":61:260102C5,00NMSCNONREF", closing="C260102EUR110,00")
    keys = [t.entry_key for t in parse_statement(data)[0].transactions]
    assert len(set(keys)) == 2 and keys == [t.entry_key for t in parse_statement(data)[0].transactions]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (":61:261302C5,00NMSCNONREF", "invalid date"),
        (":61:260102X5,00NMSCNONREF", "invalid :61: statement line"),
        (":61:260102C5.00NMSCNONREF", "invalid :61: statement line"),
    ],
)
def test_bad_statement_lines_name_the_line(line, message):
    with pytest.raises(StatementFormatError, match=message) as info:
        parse_statement(mt940(line))
    assert info.value.where == "line 5"


def test_currency_mismatch_between_balances():
    with pytest.raises(StatementFormatError, match="closing balance is in USD"):
        parse_statement(mt940(closing="C260102USD90,00"))
