"""The parsers against the real sample files in ../shared/fixtures/04-bank-statements (see INDEX.md §4).

Skipped with a notice when the shared folder is not beside the checkout (a fresh clone).
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kontorhaus.billing.bank.parsing import StatementFormatError, parse_statement

SHARED = Path(__file__).resolve().parents[5] / ".." / "shared"
SAMPLES = SHARED / "fixtures" / "04-bank-statements"
pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"sample statements not found at {SAMPLES} (the shared/ folder beside the checkout)"
)


def _files(folder: str, pattern: str) -> list[str]:
    return sorted(p.name for p in (SAMPLES / folder).glob(pattern)) if SAMPLES.is_dir() else []


def _parse(folder: str, name: str):
    return parse_statement((SAMPLES / folder / name).read_bytes(), filename=name)


# Samples that are not complete statements and must be refused, with the reason.
BROKEN_MT940 = {
    # only six :60F: lines to exercise amount formats; no :20:, so not a statement
    "wolph-mt940__betterplace_amount_formats.sta": ("expected :20:", "line 1"),
    # snippet without :62F: closing balance (cut off after the second :61:)
    "wolph-mt940__self-provided_gv_codes.sta": ("no closing balance", "line 1"),
    # balances without currency code (":62M:C020315105000,00")
    "wolph-mt940__self-provided_raphaelm.sta": ("invalid :62M: balance", "line 27"),
    # a fragment: starts with a :61: broken across lines, no :20:
    "wolph-mt940__self-provided_sparkassen.sta": ("expected :20:", "line 1"),
}

# file -> (statements, transactions, credits, sum of credits, sum of debits); cross-checked with a
# separate regex count over the :20: and :61: lines of each file (C/RD = credit, D/RC = debit)
MT940_TOTALS = {
    "hbci4java__test-mt940-001.sta": (1, 2, 2, "3.00", "0"),
    "hbci4java__test-mt940-002.sta": (1, 2, 2, "3.00", "0"),
    "libfintx__Test_10020890_Hypovereinsbank.sta": (1, 1, 1, "25", "0"),
    "libfintx__Test_10050000_Berliner_Sparkasse.sta": (1, 1, 0, "0", "5.95"),
    "libfintx__Test_10070124_Deutsche_Bank.sta": (1, 1, 0, "0", "1.00"),
    "libfintx__Test_10070848_Deutsche_Bank.sta": (1, 1, 1, "66.20", "0"),
    "libfintx__Test_44010046_Postbank_Dortmund.sta": (1, 1, 0, "0", "149.99"),
    "libfintx__Test_70051003_Sparkasse_Freising.sta": (1, 1, 0, "0", "3393.40"),
    "wolph-mt940__betterplace_sepa_mt9401.sta": (26, 97, 41, "5188474.94", "14457610.84"),
    "wolph-mt940__betterplace_sepa_snippet.sta": (2, 11, 8, "1430745.72", "3574069.11"),
    "wolph-mt940__cmxl_mt940.sta": (3, 16, 7, "72436.74", "60109.44"),
    "wolph-mt940__jejik_generic.sta": (2, 2, 0, "0", "20.00"),
}


def _totals(statements) -> tuple:
    txs = [t for s in statements for t in s.transactions]
    credits = [t.amount for t in txs if t.credit]
    debits = [t.amount for t in txs if not t.credit]
    return len(statements), len(txs), len(credits), sum(credits, Decimal(0)), sum(debits, Decimal(0))


def _balances_add_up(statement) -> bool:
    moved = sum((t.amount if t.credit else -t.amount for t in statement.transactions), Decimal(0))
    return statement.opening_balance + moved == statement.closing_balance


def _assert_well_formed(statements) -> None:
    for statement in statements:
        keys = [t.entry_key for t in statement.transactions]
        assert len(keys) == len(set(keys)), "entry keys must be unique within a statement"
        assert all(t.amount > 0 and t.currency == statement.currency for t in statement.transactions)


# --- every sample file -------------------------------------------------------------------------


@pytest.mark.parametrize("name", _files("camt053", "*.xml"))
def test_every_camt053_sample_parses_or_is_refused_clearly(name):
    if "camt054" in name:
        with pytest.raises(StatementFormatError, match="camt.054 debit/credit notification, not a camt.053"):
            _parse("camt053", name)
        return
    statements = _parse("camt053", name)
    assert statements and all(s.format.startswith("camt.053.001.0") for s in statements)
    _assert_well_formed(statements)


@pytest.mark.parametrize("name", _files("camt052-german", "*.xml"))
def test_camt052_reports_are_refused_with_a_clear_message(name):
    with pytest.raises(StatementFormatError, match="this is a camt.052 intraday report, not a camt.053 statement"):
        _parse("camt052-german", name)


@pytest.mark.parametrize("name", _files("mt940", "*.sta"))
def test_every_mt940_sample_parses_or_is_refused_clearly(name):
    if name in BROKEN_MT940:
        message, where = BROKEN_MT940[name]
        with pytest.raises(StatementFormatError, match=message) as info:
            _parse("mt940", name)
        assert info.value.where == where
        return
    statements = _parse("mt940", name)
    _assert_well_formed(statements)
    count, txs, credits, credit_sum, debit_sum = MT940_TOTALS[name]
    assert _totals(statements) == (count, txs, credits, Decimal(credit_sum), Decimal(debit_sum))
    if name != "wolph-mt940__betterplace_sepa_snippet.sta":  # its 2nd statement was edited and does not add up
        assert all(_balances_add_up(s) for s in statements)


# --- camt.053: Bundesbank samples (figures read off the files) ---------------------------------


def test_bundesbank_ebics_sample():
    (statement,) = _parse("camt053", "bundesbank-ebics-sample__11_camt.053.001.08_Kontoauszug_mit_allen_Umsaetzen.xml")
    assert statement.format == "camt.053.001.08"  # namespace declared as xmlns:n0 but elements unprefixed
    assert (statement.statement_id, statement.account_iban, statement.currency) == (
        "20240313C0098170",
        "DE00IBANdesDotationskontos",
        "EUR",
    )
    assert statement.created_at.isoformat() == "2024-03-13T18:40:42.873472+01:00"
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("0.00"), Decimal("0.00"))
    assert _totals([statement]) == (1, 11, 5, Decimal("475015.00"), Decimal("475015.00"))
    assert _balances_add_up(statement)
    cheque = statement.transactions[2]  # Ntry/Amt 20000.00 while its TxDtls/Amt says 250000.00: the booked amount wins
    assert (cheque.amount, cheque.credit) == (Decimal("20000.00"), False)
    assert cheque.counterparty_name == "Deutsche Bundesbank KBS HMS Hamburg"
    assert cheque.counterparty_iban == "DE98200000000020002633"
    assert cheque.remittance == "Bestätigter Scheck vom 13.03.2024 Scheck Nr. 135469"
    # entries 3 and 4 share the AcctSvcrRef 047200003598/0002000001, so both fall back to the hash key
    assert cheque.bank_reference == statement.transactions[3].bank_reference == "047200003598/0002000001"
    assert cheque.entry_key.startswith("sha256:") and statement.transactions[3].entry_key.startswith("sha256:")
    assert statement.transactions[0].entry_key == "DE00IBANdesDotationskontos|103600002791/0019200002"
    returned_cheque = statement.transactions[9]
    assert (returned_cheque.amount, returned_cheque.credit) == (Decimal("100000.00"), True)
    assert returned_cheque.counterparty_name == "Deutsche Bundesbank / 22772 Hamburg"


def test_bundesbank_sub_account_sample():
    (statement,) = _parse("camt053", "bundesbank-sample__5_camt.053-Beispieldatei_Sub-Account.xml")
    assert statement.account_iban == "UDEEURZYBUDEFFSEKDE1SCL1"  # Acct/Id/Othr/Id, no IBAN
    assert statement.statement_id == "2"
    assert _totals([statement]) == (1, 11, 1, Decimal("200972.73"), Decimal("200972.73"))
    assert _balances_add_up(statement)
    first = statement.transactions[0]
    assert (first.amount, first.credit, first.end_to_end_id) == (Decimal("10617.60"), False, "SIA0800001000100")
    assert first.booking_date.isoformat() == "2022-07-08"  # from BookgDt/DtTm


# --- camt.053: pretix (VR-Bank) sample against pretix's expected parse --------------------------


def test_pretix_sepatools_sample_matches_pretix_expectation():
    (statement,) = _parse("camt053", "pretix__camt.053_sepatools.xml")
    expected = json.loads((SAMPLES / "camt053" / "pretix__test_camt_expected_sepatools.json").read_text())
    txs = statement.transactions
    for row, tx in zip(expected[:3], txs[:3], strict=True):
        assert tx.amount if tx.credit else -tx.amount == Decimal(row["amount"])
        assert tx.booking_date.isoformat() == row["date"]
        assert tx.remittance == row["reference"]
        assert tx.bank_reference == row["external_id"]
        assert tx.counterparty_name == row["payer"]
        assert tx.counterparty_iban == row.get("iban", "")
    # pretix keeps the batch (Btch/NbOfTxs=2) as one -6.00 line; we split it into its two TxDtls
    batch = txs[3:]
    assert [(t.amount, t.credit) for t in batch] == [(Decimal("3.50"), False), (Decimal("2.50"), False)]
    assert sum(t.amount for t in batch) == -Decimal(expected[3]["amount"])
    assert {t.bank_reference for t in batch} == {expected[3]["external_id"]}
    assert [t.end_to_end_id for t in batch] == ["STZV-EtE27122013-11:02-1", "STZV-EtE27122013-11:02-2"]
    assert [t.entry_key for t in batch] == [
        "DE14740618130000033626|2013122711513230000|1",
        "DE14740618130000033626|2013122711513230000|2",
    ]
    assert txs[1].end_to_end_id == ""  # NOTPROVIDED
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("33.06"), Decimal("23.06"))
    assert _balances_add_up(statement)


# --- camt.053: genkgo samples against genkgo/camt's expected output ----------------------------


def _money(node) -> Decimal:
    minor = {"JPY": 0}.get(node["getCurrency"]["getCode"], 2)
    return Decimal(node["getAmount"]).scaleb(-minor)


def _genkgo_records(expected: dict) -> dict:
    """Statement id -> (record, [entries]) from genkgo's JSON dump (records are repeated as markers)."""
    records = {r["getId"]: (r, []) for r in expected["getRecords"] if isinstance(r, dict)}
    for entry in expected["getEntries"]:
        record = entry["getRecord"]
        records.setdefault(record["getId"], (record, []))[1].append(entry)
    return records


def _as_utc(value: dt.datetime) -> dt.datetime:
    """genkgo reports times in UTC and reads a time without offset as UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _compare_genkgo_entry(entry: dict, tx) -> None:
    amount = _money(entry["getAmount"])
    assert tx.amount == abs(amount) and tx.credit == (entry["getCreditDebitIndicator"] == "CRDT")
    assert tx.currency == entry["getAmount"]["getCurrency"]["getCode"]
    assert tx.booking_date.isoformat() == entry["getBookingDate"]["0"][:10]
    assert tx.value_date.isoformat() == entry["getValueDate"]["0"][:10]
    assert tx.reversal == bool(entry["getReversalIndicator"])
    assert tx.bank_reference == (entry["getAccountServicerReference"] or "")
    detail = entry["getTransactionDetail"]
    end_to_end = (detail["getReference"] or {}).get("getEndToEndId") or ""
    assert tx.end_to_end_id == ("" if end_to_end == "NOTPROVIDED" else end_to_end)
    message = (detail["getRemittanceInformation"] or {}).get("getMessage") or ""
    assert message in tx.remittance
    role = "Debtor" if tx.credit else "Creditor"
    parties = [p for p in detail["getRelatedParties"] or [] if p["getRelatedPartyType"]["__CLASS__"].endswith(role)]
    assert tx.counterparty_name == (parties[0]["getRelatedPartyType"]["getName"] if parties else "")


@pytest.mark.parametrize("name", _files("camt053", "genkgo-camt__*.expected.json"))
def test_genkgo_samples_match_genkgo_expectation(name):
    expected = json.loads((SAMPLES / "camt053" / name).read_text())
    statements = {s.statement_id: s for s in _parse("camt053", name.replace(".expected.json", ".xml"))}
    records = _genkgo_records(expected)
    assert len(statements) == len(expected["getRecords"])
    for statement_id, (record, entries) in records.items():
        statement = statements[statement_id]
        assert statement.account_iban == record["getAccount"]["getIdentification"]
        assert _as_utc(statement.created_at) == dt.datetime.fromisoformat(record["getCreatedOn"]["0"])
        balances = {}
        for balance in record["getBalances"]:
            balances.setdefault(balance["getType"], _money(balance["getAmount"]))
        assert statement.opening_balance == balances.get("opening")
        assert statement.closing_balance == balances.get("closing")
        assert len(statement.transactions) == len(record["getEntries"])
        for entry in entries:
            _compare_genkgo_entry(entry, statement.transactions[entry["getIndex"]])


# --- MT940: field-level checks on the German samples -------------------------------------------


def test_mt940_berliner_sparkasse_sepa_subfields():
    (statement,) = _parse("mt940", "libfintx__Test_10050000_Berliner_Sparkasse.sta")
    (tx,) = statement.transactions
    assert statement.account_iban == "10050000/0123456789"
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("11565.61"), Decimal("11559.66"))
    assert (tx.amount, tx.credit, tx.booking_date.isoformat()) == (Decimal("5.95"), False, "2019-12-06")
    assert tx.end_to_end_id == "124565"
    assert tx.remittance == "123456, BelNr. 123456 FAX.de A"
    assert (tx.counterparty_name, tx.counterparty_iban) == ("FAX.de GmbH", "DE71207500000060017852")


def test_mt940_deutsche_bank_wrapped_subfields_are_glued():
    (statement,) = _parse("mt940", "libfintx__Test_10070848_Deutsche_Bank.sta")
    (tx,) = statement.transactions
    assert tx.remittance == "65-489042-01 /0041961450206 65-48904201 RENTE"
    assert tx.end_to_end_id == "0041961450206"
    assert tx.counterparty_name == "GOTHAER LEBENSVERSICHERUNG"


def test_mt940_betterplace_reversal_and_returns():
    statements = _parse("mt940", "wolph-mt940__betterplace_sepa_mt9401.sta")
    reversal = next(t for s in statements for t in s.transactions if t.reversal)
    assert (reversal.amount, reversal.credit) == (Decimal("204.88"), False)  # RC: reversal of a credit
    retoure = statements[0].transactions[0]
    assert retoure.end_to_end_id == "TFNR 40005 00005"
    assert retoure.remittance == "MTLG:Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag"
    assert retoure.entry_key == "50880050/0194774600888|0724710345313905"


def test_mt940_snippet_names_and_sepa_fields():
    first = _parse("mt940", "wolph-mt940__betterplace_sepa_snippet.sta")[0].transactions[0]
    assert (first.counterparty_name, first.counterparty_iban) == ("KARL KAUFMANN", "DE14508800500194785000")
    assert first.end_to_end_id == "EndToEndId TFNR 22 004 00001"
    assert first.remittance == "Verw CTSc-01 BC-PPP TFNr 22 004"
    assert (first.booking_date.isoformat(), first.value_date.isoformat()) == ("2007-09-04", "2007-09-07")
