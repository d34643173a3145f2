"""camt.053 rules on small hand-built files: batches, reversals, status, versions, keys, speed."""

import time
from decimal import Decimal

import pytest

from kontorhaus.billing.bank.parsing import StatementFormatError, parse_statement

IBAN = "DE14740618130000033626"


def entry(
    amount="10.00",
    indicator="CRDT",
    *,
    ref="REF-1",
    status="<Sts>BOOK</Sts>",
    details="",
    extra="",
):
    ref_xml = f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{extra}{status}'
        f"<BookgDt><Dt>2026-01-05</Dt></BookgDt><ValDt><Dt>2026-01-06</Dt></ValDt>{ref_xml}"
        f"<NtryDtls>{details}</NtryDtls></Ntry>"
    )


def tx_details(
    *,
    amount="",
    name="Erika Mustermann",
    iban="DE58740618130100033626",
    ustrd=("RE-2026-000001",),
    e2e="E2E-1",
    role="Dbtr",
    pty=False,
):
    amount_xml = f'<Amt Ccy="EUR">{amount}</Amt>' if amount else ""
    name_xml = f"<Pty><Nm>{name}</Nm></Pty>" if pty else f"<Nm>{name}</Nm>"
    lines = "".join(f"<Ustrd>{u}</Ustrd>" for u in ustrd)
    return (
        f"<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>{amount_xml}"
        f"<RltdPties><{role}>{name_xml}</{role}><{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct></RltdPties>"
        f"<RmtInf>{lines}</RmtInf></TxDtls>"
    )


def camt(*entries, version="camt.053.001.02", stmt_id="STMT-1"):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}">'
        "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-01-05T20:00:00+01:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{stmt_id}</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
        "<Dt><Dt>2026-01-04</Dt></Dt></Bal>"
        '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Dt><Dt>2026-01-05</Dt></Dt></Bal>" + "".join(entries) + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def only_statement(data: bytes):
    (statement,) = parse_statement(data)
    return statement


def test_credit_with_one_detail():
    statement = only_statement(
        camt(entry(details=tx_details(ustrd=("Rechnung RE-2026-", "000001"), e2e="NOTPROVIDED")))
    )
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("-5.00"), Decimal("100.00"))
    assert statement.created_at.isoformat() == "2026-01-05T20:00:00+01:00"
    (tx,) = statement.transactions
    assert (tx.amount, tx.currency, tx.credit, tx.reversal) == (Decimal("10.00"), "EUR", True, False)
    assert (tx.booking_date.isoformat(), tx.value_date.isoformat()) == ("2026-01-05", "2026-01-06")
    assert (tx.counterparty_name, tx.counterparty_iban) == ("Erika Mustermann", "DE58740618130100033626")
    assert tx.remittance == "Rechnung RE-2026- 000001"
    assert tx.end_to_end_id == ""
    assert (tx.bank_reference, tx.entry_key) == ("REF-1", f"{IBAN}|REF-1")


def test_debit_takes_the_creditor_and_v8_party_names():
    details = tx_details(role="Cdtr", name="Lieferant GmbH", pty=True)
    tx = only_statement(camt(entry(indicator="DBIT", details=details), version="camt.053.001.08")).transactions[0]
    assert (tx.credit, tx.counterparty_name) == (False, "Lieferant GmbH")


def test_structured_creditor_reference_is_added_to_the_remittance():
    details = tx_details(ustrd=("Danke",)).replace(
        "</RmtInf>", "<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>"
    )
    assert only_statement(camt(entry(details=details))).transactions[0].remittance == "Danke RF18539007547034"


def test_batch_entry_is_split_into_its_details_with_their_own_keys():
    details = tx_details(amount="6.00", e2e="A") + tx_details(amount="4.00", e2e="B", name="Max")
    txs = only_statement(camt(entry(amount="10.00", details=details))).transactions
    assert [(t.amount, t.end_to_end_id, t.counterparty_name) for t in txs] == [
        (Decimal("6.00"), "A", "Erika Mustermann"),
        (Decimal("4.00"), "B", "Max"),
    ]
    assert [t.entry_key for t in txs] == [f"{IBAN}|REF-1|1", f"{IBAN}|REF-1|2"]


def test_batch_whose_details_do_not_add_up_stays_one_line():
    details = tx_details(amount="6.00", e2e="A", ustrd=("one",)) + tx_details(amount="5.00", e2e="B", ustrd=("two",))
    (tx,) = only_statement(camt(entry(amount="10.00", details=details))).transactions
    assert (tx.amount, tx.remittance, tx.end_to_end_id) == (Decimal("10.00"), "one two", "")


def test_entry_without_details_gives_one_line():
    (tx,) = only_statement(camt(entry(details=""))).transactions
    assert (tx.amount, tx.remittance, tx.counterparty_name) == (Decimal("10.00"), "", "")


def test_pending_entries_are_skipped_and_v8_status_is_read():
    data = camt(
        entry(status="<Sts><Cd>PDNG</Cd></Sts>", ref="P"),
        entry(status="<Sts><Cd>BOOK</Cd></Sts>", ref="B"),
        version="camt.053.001.08",
    )
    assert [t.bank_reference for t in only_statement(data).transactions] == ["B"]


def test_reversal_is_kept_with_its_booked_direction():
    data = camt(entry(indicator="DBIT", extra="<RvslInd>true</RvslInd>", details=tx_details(name="Kunde")))
    (tx,) = only_statement(data).transactions
    # a reversed incoming payment: money goes out again; the counterparty is the original payer (Dbtr)
    assert (tx.credit, tx.reversal, tx.counterparty_name) == (False, True, "Kunde")


def test_counterparty_that_is_our_own_account_is_swapped_for_the_other_party():
    details = tx_details(role="Cdtr", name="Wir selbst", iban=IBAN).replace(
        "<RltdPties>", "<RltdPties><Dbtr><Nm>Zahler</Nm></Dbtr>"
    )
    assert only_statement(camt(entry(indicator="DBIT", details=details))).transactions[0].counterparty_name == "Zahler"


def test_entry_keys_are_stable_and_fall_back_to_a_hash_without_a_unique_reference():
    data = camt(entry(ref=""), entry(ref=""), entry(ref="DUP"), entry(ref="DUP"), entry(ref="NONREF"))
    first = [t.entry_key for t in only_statement(data).transactions]
    again = [t.entry_key for t in only_statement(data).transactions]
    assert first == again
    assert len(set(first)) == 5 and all(k.startswith("sha256:") for k in first)


@pytest.mark.parametrize("version", [f"camt.053.001.0{n}" for n in range(2, 9)])
def test_all_supported_versions_are_read(version):
    assert only_statement(camt(entry(), version=version)).format == version


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("camt.053.001.09", "camt.053.001.09 is not supported"),
        ("camt.052.001.08", "this is a camt.052 intraday report, not a camt.053 statement"),
        ("pain.001.001.03", "not a camt.053 bank statement"),
    ],
)
def test_other_versions_and_messages_are_refused(version, message):
    with pytest.raises(StatementFormatError, match=message):
        parse_statement(camt(entry(), version=version))


@pytest.mark.parametrize(
    ("change", "message", "where"),
    [
        (("10.00</Amt><CdtDbtInd>CRDT", "1O.00</Amt><CdtDbtInd>CRDT"), "invalid amount", "Stmt[1]/Ntry[1]/Amt"),
        (("10.00</Amt><CdtDbtInd>CRDT", "-10.00</Amt><CdtDbtInd>CRDT"), "invalid amount", "Stmt[1]/Ntry[1]/Amt"),
        (('<Amt Ccy="EUR">10.00', '<Amt Ccy="euro">10.00'), "invalid currency", "Ntry[1]/Amt/@Ccy"),
        (("<Dt>2026-01-05</Dt></BookgDt>", "<Dt>2026-13-05</Dt></BookgDt>"), "invalid date", "Ntry[1]/BookgDt"),
        (("<CdtDbtInd>CRDT</CdtDbtInd><Sts>", "<CdtDbtInd>CR</CdtDbtInd><Sts>"), "invalid CdtDbtInd", "CdtDbtInd"),
        (("<Sts>BOOK</Sts>", ""), "missing entry status", "Ntry[1]/Sts"),
        (("<Id>STMT-1</Id>", ""), "missing statement id", "Stmt[1]/Id"),
        ((f"<IBAN>{IBAN}</IBAN></Id><Ccy>", "</Id><Ccy>"), "missing account", "Stmt[1]/Acct/Id"),
    ],
)
def test_bad_values_name_the_element(change, message, where):
    data = camt(entry(details=tx_details())).decode().replace(*change, 1).encode()
    with pytest.raises(StatementFormatError, match=message) as info:
        parse_statement(data)
    assert info.value.where.endswith(where)


def test_latin1_without_declaration_is_read():
    data = (
        camt(entry(details=tx_details(name="Jürgen Müller")))
        .decode()
        .replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    )
    tx = only_statement(data.encode("latin-1")).transactions[0]
    assert tx.counterparty_name == "Jürgen Müller"


def test_entry_limit():
    with pytest.raises(StatementFormatError, match="too many entries"):
        parse_statement(camt(entry(), entry(ref="2"), entry(ref="3")), max_entries=2)


def test_ten_thousand_entries_speed():
    """Measured, not asserted: see the printed figure (pytest -s)."""
    entries = [entry(ref=f"R{n}", details=tx_details(e2e=f"E{n}")) for n in range(10_000)]
    data = camt(*entries)
    started = time.perf_counter()
    statement = only_statement(data)
    elapsed = time.perf_counter() - started
    assert len(statement.transactions) == 10_000
    print(f"\ncamt.053 with 10,000 entries ({len(data) / 1e6:.1f} MB) parsed in {elapsed:.3f} s")
