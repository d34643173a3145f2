"""Bank statement import as a story: orders come in, the bank statement (a camt.053 file)
arrives, the payments are booked, the same file arrives again, and two imports race."""

import hashlib
import threading
from decimal import Decimal

import pytest
from django.db import connection

from kontorhaus.billing.bank.parsing import parse_statement
from kontorhaus.billing.bank.tests.factories import statement, tx
from kontorhaus.billing.models import BankTransaction, Payment
from kontorhaus.cli import main
from kontorhaus.core.audit import Actor
from kontorhaus.flows.bank_statement_import import bank_statement_import
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article, place_order

BANK = Actor("system", "bank-import")
ENTRY = """
<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><Dt>2026-11-27</Dt></BookgDt><ValDt><Dt>2026-11-27</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
  <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
    <Amt Ccy="EUR">{amount}</Amt>
    <RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
    </RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-2026-331</Id><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
  <Dt><Dt>2026-11-26</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
  <Dt><Dt>2026-11-27</Dt></Dt></Bal>
{entries}
</Stmt></BkToCstmrStmt></Document>"""


def camt053(*entries: tuple[str, str, str, str]) -> bytes:
    """A camt.053.001.08 file; entries are (bank reference, amount, payer, remittance text)."""
    body = "".join(ENTRY.format(ref=ref, amount=amount, direction="DBIT" if amount.startswith("-") else "CRDT",
                                name=name, text=text).replace(f">{amount}<", f">{amount.lstrip('-')}<")
                   for ref, amount, name, text in entries)
    closing = sum(Decimal(amount) for _, amount, _, _ in entries)
    return DOCUMENT.format(entries=body, closing=closing).encode()


def payment_state(order) -> str:
    return SalesOrder.objects.get(pk=order.pk).payment_state


@pytest.mark.django_db
def test_a_camt053_file_pays_the_orders_it_names_and_a_second_import_books_nothing():
    # given three orders of 44.88 (2 T-shirts and shipping), each with its invoice
    make_article(sku="TSHIRT-M")
    placed = [place_order() for _ in range(3)]
    (o1, i1), (o2, i2), (o3, _) = ((r.order, r.invoice) for r in placed)
    # and the bank's camt.053: one pays its invoice, one transfers half naming the order,
    # one a stranger, and the bank's fee goes out
    data = camt053(
        ("B-1", "44.88", "Erika Mustermann", f"{i1.number} Danke"),
        ("B-2", "22.44", "Erika Mustermann", f"Bestellung {o2.number.replace('-', ' ')}"),
        ("B-3", "99.00", "Max Muster", "Miete November"),
        ("B-4", "-3.50", "Sparkasse", "Kontofuehrung"),
    )
    statements = parse_statement(data, filename="konto.xml")
    sha = hashlib.sha256(data).hexdigest()
    # when it is imported
    first = bank_statement_import(statements=statements, file_sha256=sha, actor=BANK)
    # then the confident lines are booked and the orders' payment states follow
    lines = first.statements[0].lines
    assert [(line.status, line.invoices) for line in lines] == [
        ("booked", (i1.number,)), ("booked", (i2.number,)), ("review", ()), ("ignored", ())]
    assert (payment_state(o1), payment_state(o2), payment_state(o3)) == ("paid", "partially_paid", "unpaid")
    assert sorted(Payment.objects.filter(source="bank").values_list("amount", flat=True)) == [
        Decimal("22.44"), Decimal("44.88")]
    # when the same file is imported again
    second = bank_statement_import(statements=parse_statement(data), file_sha256=sha, actor=BANK)
    # then every line is a duplicate and nothing new is stored or booked
    assert [line.status for line in second.statements[0].lines] == ["duplicate"] * 4
    assert Payment.objects.filter(source="bank").count() == 2
    assert BankTransaction.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_statement_at_once_book_each_payment_once():
    # given two open invoices and one statement paying both
    make_article(sku="TSHIRT-M")
    invoices = [place_order().invoice for _ in range(2)]
    parsed = statement(*(tx(i.number, key=f"RACE-{n}") for n, i in enumerate(invoices)), statement_id="RACE")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(bank_statement_import(statements=[parsed], file_sha256="9" * 64, actor=BANK))
        except Exception as exc:  # noqa: BLE001 -- reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # when two imports run at the same moment
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then both succeed, one booked the lines and the other reports them as duplicates
    assert errors == []
    statuses = sorted(tuple(line.status for line in r.statements[0].lines) for r in results)
    assert statuses == [("booked", "booked"), ("duplicate", "duplicate")]
    assert Payment.objects.filter(source="bank").count() == 2
    assert BankTransaction.objects.count() == 2
    assert all(SalesOrder.objects.get(number=i.order_number).payment_state == "paid" for i in invoices)


@pytest.mark.django_db
def test_cli_imports_a_statement_and_prints_what_it_did(tmp_path, capsys):
    # given an open invoice and a camt.053 file paying it
    make_article(sku="TSHIRT-M")
    invoice = place_order().invoice
    path = tmp_path / "konto.xml"
    path.write_bytes(camt053(("C-1", "44.88", "Erika Mustermann", invoice.number),
                             ("C-2", "5.00", "Max Muster", "Trinkgeld")))
    # when it is tried first, then imported
    dry = main(["import", "bank", str(path), "--dry-run"])
    dry_out = capsys.readouterr().out
    stored_after_dry_run = Payment.objects.count()
    code = main(["import", "bank", str(path)])
    out = capsys.readouterr().out
    # then the dry run stored nothing, the import booked the invoice and reports each count
    assert (dry, stored_after_dry_run) == (0, 0)
    assert "Dry run: nothing was stored." in dry_out and f"booked:     1  ({invoice.number})" in dry_out
    assert code == 0
    assert "Statement STMT-2026-331 (DE02120300000000202051, camt.053.001.08): 2 lines" in out
    assert f"booked:     1  ({invoice.number})" in out
    assert "review:     1" in out and "duplicates: 0" in out
    assert Payment.objects.filter(source="bank").count() == 1


@pytest.mark.django_db
def test_cli_refuses_a_malformed_file_and_changes_nothing(tmp_path, capsys):
    # given an open invoice and a camt.053 file cut off in the middle
    make_article(sku="TSHIRT-M")
    invoice = place_order().invoice
    data = camt053(("C-1", "44.88", "Erika Mustermann", invoice.number))
    path = tmp_path / "broken.xml"
    path.write_bytes(data[: len(data) // 2])
    # when it is imported
    code = main(["import", "bank", str(path)])
    # then the command fails with the parser's message naming the file, and nothing is stored
    err = capsys.readouterr().err
    assert code == 1
    assert "broken.xml" in err and "nothing was imported" in err
    assert (Payment.objects.count(), BankTransaction.objects.count()) == (0, 0)
