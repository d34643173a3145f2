"""camt.053 (ISO 20022 BankToCustomerStatement, .001.02 to .001.08): the file and its statements.

The XML is parsed with defusedxml and any DTD is refused, so entity expansion (billion laughs) and
external entities (XXE) never happen. Element names are matched by local name: the Bundesbank sample
declares the namespace under a prefix it never uses, so its elements are in no namespace at all.
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - only for the types; parsing goes through defusedxml
from decimal import Decimal

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from kontorhaus.billing.bank.parsing.camt_entries import parse_entries
from kontorhaus.billing.bank.parsing.common import Limits, check_entry_count, finalize, parse_currency
from kontorhaus.billing.bank.parsing.xmlutil import amount_of, find_text, parse_datetime
from kontorhaus.billing.bank.types import ParsedStatement, StatementFormatError

SUPPORTED_VERSIONS = {f"camt.053.001.0{n}" for n in range(2, 9)}
_NS = re.compile(
    rb"""xmlns(?::[\w.-]+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})["']"""
)
_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=""")
_OTHER_MESSAGES = {
    "camt.052": "this is a camt.052 intraday report, not a camt.053 statement",
    "camt.054": "this is a camt.054 debit/credit notification, not a camt.053 statement",
}
_ROOT_CHILD = {"BkToCstmrAcctRpt": "camt.052", "BkToCstmrDbtCdtNtfctn": "camt.054"}


def parse_camt(data: bytes, limits: Limits) -> list[ParsedStatement]:
    root = _load(data)
    version = _version(data, root)
    message = root.find("BkToCstmrStmt")
    if message is None:
        raise StatementFormatError("missing element BkToCstmrStmt", where="Document")
    statements = message.findall("Stmt")
    if not statements:
        raise StatementFormatError("the file contains no statement", where="Document/BkToCstmrStmt/Stmt")
    check_entry_count(sum(len(s.findall("Ntry")) for s in statements), limits, "Document/BkToCstmrStmt")
    group_created = find_text(message, "GrpHdr/CreDtTm")
    return [
        _statement(stmt, f"Document/BkToCstmrStmt/Stmt[{i}]", version, group_created)
        for i, stmt in enumerate(statements, start=1)
    ]


def _load(data: bytes) -> ET.Element:
    data = _as_parseable_bytes(data)
    try:
        root = DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise StatementFormatError(
            f"XML with a DTD, entity declarations or external references is refused ({type(exc).__name__})",
            where="DOCTYPE",
        )
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise StatementFormatError(f"malformed or truncated XML: {reason}", where=f"line {line}, column {column}")
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]
    return root


def _as_parseable_bytes(data: bytes) -> bytes:
    """FinTS-delivered camt is often ISO-8859-1 without an XML declaration; expat would assume UTF-8."""
    if _ENCODING_DECL.match(data):
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8")
    return data


def _version(data: bytes, root: ET.Element) -> str:
    declared = _NS.findall(data[:4096])
    name = declared[0].decode() if declared else ""
    child = root[0].tag if len(root) else ""
    kind = name[:8] or _ROOT_CHILD.get(child, "")
    if kind in _OTHER_MESSAGES:
        raise StatementFormatError(_OTHER_MESSAGES[kind], where=f"{root.tag}/{child}")
    if root.tag != "Document" or child != "BkToCstmrStmt" or not name.startswith("camt.053."):
        found = f"<{root.tag}>" + (f" in namespace {name}" if name else " without an ISO 20022 camt namespace")
        raise StatementFormatError(f"this XML is not a camt.053 bank statement (found {found})", where=root.tag)
    if name not in SUPPORTED_VERSIONS:
        raise StatementFormatError(f"{name} is not supported (camt.053.001.02 to camt.053.001.08 are)", where=root.tag)
    return name


def _statement(stmt: ET.Element, path: str, version: str, group_created: str) -> ParsedStatement:
    statement_id = find_text(stmt, "Id")
    if not statement_id:
        raise StatementFormatError("missing statement id", where=f"{path}/Id")
    account = find_text(stmt, "Acct/Id/IBAN").replace(" ", "") or find_text(stmt, "Acct/Id/Othr/Id")
    if not account:
        raise StatementFormatError("missing account (neither IBAN nor Othr/Id)", where=f"{path}/Acct/Id")
    currency = _currency(stmt, path)
    created_text = find_text(stmt, "CreDtTm") or group_created
    created_at = parse_datetime(created_text, f"{path}/CreDtTm") if created_text else None
    opening, closing = _balances(stmt, path)
    drafts = parse_entries(stmt, path, account)
    return ParsedStatement(
        format=version,
        statement_id=statement_id,
        account_iban=account,
        currency=currency,
        created_at=created_at,
        opening_balance=opening,
        closing_balance=closing,
        transactions=finalize(drafts, account=account),
    )


def _currency(stmt: ET.Element, path: str) -> str:
    if (text := find_text(stmt, "Acct/Ccy")) != "":
        return parse_currency(text, f"{path}/Acct/Ccy")
    for child in ("Bal", "Ntry"):
        amount = stmt.find(f"{child}/Amt")
        if amount is not None:
            return parse_currency(amount.get("Ccy"), f"{path}/{child}/Amt/@Ccy")
    raise StatementFormatError("cannot tell the account currency (no Acct/Ccy, balance or entry)", where=path)


def _balances(stmt: ET.Element, path: str) -> tuple[Decimal | None, Decimal | None]:
    found: dict[str, Decimal] = {}
    for i, bal in enumerate(stmt.findall("Bal"), start=1):
        code = find_text(bal, "Tp/CdOrPrtry/Cd") or find_text(bal, "Tp/CdOrPrtry/Prtry")
        if code not in ("OPBD", "PRCD", "CLBD") or code in found:
            continue
        where = f"{path}/Bal[{i}]"
        amount, _currency_code = amount_of(bal, where)
        indicator = find_text(bal, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise StatementFormatError(f"invalid CdtDbtInd {indicator!r}", where=f"{where}/CdtDbtInd")
        found[code] = -amount if indicator == "DBIT" else amount
    opening = found.get("OPBD", found.get("PRCD"))
    return opening, found.get("CLBD")
