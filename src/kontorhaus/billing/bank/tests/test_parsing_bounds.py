"""Values a bank file may carry but our books cannot hold are refused at parse time, and the
same line in two overlapping statements gets the same entry key."""

import pytest

from kontorhaus.billing.bank.parsing import parse_statement
from kontorhaus.billing.bank.types import StatementFormatError

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-26T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{stmt}</Id><CreDtTm>2026-11-26T10:00:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-25</Dt></BookgDt><ValDt><Dt>2026-11-25</Dt></ValDt>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Erika Mustermann</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>RE-2026-000001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""
IBAN = "DE02120300000000202051"


def camt(*, stmt="DAY-1", iban=IBAN, amount="20.00") -> bytes:
    return CAMT.format(stmt=stmt, iban=iban, amount=amount).encode()


@pytest.mark.parametrize(("changes", "message"), [
    ({"amount": "999999999999999999"}, "implausibly large"),
    ({"amount": "44.87999"}, "more decimals"),
    ({"iban": "DE" + "1" * 60}, "longer than 34"),
])
def test_values_the_books_cannot_hold_are_refused(changes, message):
    with pytest.raises(StatementFormatError, match=message):
        parse_statement(camt(**changes))


def test_the_same_line_in_an_overlapping_statement_has_the_same_key():
    [daily] = parse_statement(camt(stmt="DAY-1"))
    [monthly] = parse_statement(camt(stmt="MONTH-11"))
    assert daily.transactions[0].entry_key == monthly.transactions[0].entry_key
