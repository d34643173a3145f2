import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from kontorhaus.billing.refunds.iban import iban_is_valid
from kontorhaus.billing.sepa import NS, CreditTransferFile, Debtor, Transfer, pain001, sepa_text

N = {"p": NS}


@pytest.mark.parametrize(("raw", "sepa"), [
    ("Jürgen Müller-Lüdenscheidt & Söhne", "Juergen Mueller-Luedenscheidt + Soehne"),
    ("Straße ÄÖÜ", "Strasse AeOeUe"),
    ("François Lefèvre", "Francois Lefevre"),
    ("Łukasz <Nowak>; €5", "Lukasz Nowak 5"),
])
def test_texts_are_reduced_to_the_sepa_character_set(raw, sepa):
    assert sepa_text(raw, 70) == sepa


@pytest.mark.parametrize(("iban", "valid"), [
    ("DE89370400440532013000", True), ("de89 3704 0044 0532 0130 00", True), ("DE89370400440532013001", False),
    ("DE8937040044053201300", False), ("AT611904300234573201", True), ("XX89370400440532013000", False), ("", False),
])
def test_iban_check_digits(iban, valid):
    assert iban_is_valid(iban) is valid


def test_a_pain001_file_has_the_group_header_one_payment_block_and_a_transaction_per_refund():
    # given two refunds
    doc = CreditTransferFile(
        message_id="KH-20261127-1", created_at=dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC),
        execution_date=dt.date(2026, 11, 27), debtor=Debtor("Kontorhaus Demo GmbH", "DE02120300000000202051",
                                                            "BYLADEM1001"),
        transfers=(Transfer("a" * 32, Decimal("10.00"), "EUR", "Jürgen Müller", "DE89370400440532013000",
                            "Erstattung RE-2026-000001 GS-2026-000001"),
                   Transfer("b" * 32, Decimal("5.12"), "EUR", "Erika Mustermann", "AT611904300234573201",
                            "Erstattung AU-2026-000002")))
    # when it is written
    root = ET.fromstring(pain001(doc))  # noqa: S314 -- our own output
    # then the required elements are there, in the pain.001.001.03 namespace, with the sums
    assert root.tag == f"{{{NS}}}Document"
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", N)
    assert [c.tag.split("}")[1] for c in header] == ["MsgId", "CreDtTm", "NbOfTxs", "CtrlSum", "InitgPty"]
    assert (header.findtext("p:NbOfTxs", namespaces=N), header.findtext("p:CtrlSum", namespaces=N)) == ("2", "15.12")
    assert header.findtext("p:CreDtTm", namespaces=N) == "2026-11-27T09:00:00"
    block = root.find("p:CstmrCdtTrfInitn/p:PmtInf", N)
    assert [c.tag.split("}")[1] for c in block][:12] == [
        "PmtInfId", "PmtMtd", "BtchBookg", "NbOfTxs", "CtrlSum", "PmtTpInf", "ReqdExctnDt", "Dbtr", "DbtrAcct",
        "DbtrAgt", "ChrgBr", "CdtTrfTxInf"]
    assert block.findtext("p:PmtMtd", namespaces=N) == "TRF"
    assert block.findtext("p:PmtTpInf/p:SvcLvl/p:Cd", namespaces=N) == "SEPA"
    assert block.findtext("p:ReqdExctnDt", namespaces=N) == "2026-11-27"
    assert block.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=N) == "DE02120300000000202051"
    assert block.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=N) == "BYLADEM1001"
    txs = block.findall("p:CdtTrfTxInf", N)
    assert [t.findtext("p:Amt/p:InstdAmt", namespaces=N) for t in txs] == ["10.00", "5.12"]
    assert txs[0].find("p:Amt/p:InstdAmt", N).get("Ccy") == "EUR"
    assert [c.tag.split("}")[1] for c in txs[0]] == ["PmtId", "Amt", "Cdtr", "CdtrAcct", "RmtInf"]
    assert txs[0].findtext("p:Cdtr/p:Nm", namespaces=N) == "Juergen Mueller"


def test_an_empty_file_is_not_written():
    with pytest.raises(ValueError, match="at least one"):
        pain001(CreditTransferFile("X", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.date(2026, 1, 1),
                                   Debtor("A", "DE02120300000000202051", ""), ()))
