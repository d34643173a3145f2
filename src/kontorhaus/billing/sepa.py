"""SEPA credit transfer initiation, pain.001.001.03 (the version every German bank accepts,
DK "Anlage 3" / EPC SCT rulebook): one file, one payment block from the company's account, one
transaction per refund. Texts are reduced to the SEPA character set (ä -> ae, ß -> ss, ...)."""

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET  # noqa: S405 -- we write XML, we never parse untrusted XML here
from dataclasses import dataclass
from decimal import Decimal

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
                          "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Æ": "AE",
                          "æ": "ae", "Œ": "OE", "œ": "oe", "&": "+", "_": "-", "\n": " ", "\t": " "})
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def sepa_text(value: str, max_length: int) -> str:
    """`value` in the SEPA Latin character set: umlauts spelled out, accents dropped, anything
    else left over becomes a space."""
    text = unicodedata.normalize("NFKD", (value or "").translate(_UMLAUTS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\s+", " ", _NOT_SEPA.sub(" ", text)).strip()
    return text[:max_length].rstrip()


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount: Decimal
    currency: str
    creditor_name: str
    creditor_iban: str
    remittance: str


@dataclass(frozen=True)
class CreditTransferFile:
    message_id: str
    created_at: dt.datetime
    execution_date: dt.date
    debtor: Debtor
    transfers: tuple[Transfer, ...]

    @property
    def control_sum(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal("0.00"))


def _add(parent: ET.Element, path: str, text: str | None = None) -> ET.Element:
    node = parent
    for tag in path.split("/"):
        node = ET.SubElement(node, tag)
    if text is not None:
        node.text = text
    return node


def _transfer(pmt: ET.Element, t: Transfer) -> None:
    tx = _add(pmt, "CdtTrfTxInf")
    _add(tx, "PmtId/EndToEndId", sepa_text(t.end_to_end_id, 35))
    _add(tx, "Amt/InstdAmt", f"{t.amount:.2f}").set("Ccy", t.currency)
    _add(tx, "Cdtr/Nm", sepa_text(t.creditor_name, 70))
    _add(tx, "CdtrAcct/Id/IBAN", t.creditor_iban)
    _add(tx, "RmtInf/Ustrd", sepa_text(t.remittance, 140))


def pain001(doc: CreditTransferFile) -> bytes:
    """The pain.001.001.03 XML (UTF-8) for `doc`."""
    if not doc.transfers:
        raise ValueError("a credit transfer file needs at least one transfer")
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}Document")
    init = _add(root, "CstmrCdtTrfInitn")
    count, total = str(len(doc.transfers)), f"{doc.control_sum:.2f}"
    header = _add(init, "GrpHdr")
    _add(header, "MsgId", sepa_text(doc.message_id, 35))
    _add(header, "CreDtTm", doc.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    _add(header, "NbOfTxs", count)
    _add(header, "CtrlSum", total)
    _add(header, "InitgPty/Nm", sepa_text(doc.debtor.name, 70))
    pmt = _add(init, "PmtInf")
    _add(pmt, "PmtInfId", sepa_text(f"{doc.message_id}-1", 35))
    _add(pmt, "PmtMtd", "TRF")
    _add(pmt, "BtchBookg", "true")
    _add(pmt, "NbOfTxs", count)
    _add(pmt, "CtrlSum", total)
    _add(pmt, "PmtTpInf/SvcLvl/Cd", "SEPA")
    _add(pmt, "ReqdExctnDt", doc.execution_date.isoformat())
    _add(pmt, "Dbtr/Nm", sepa_text(doc.debtor.name, 70))
    _add(pmt, "DbtrAcct/Id/IBAN", doc.debtor.iban)
    if doc.debtor.bic:
        _add(pmt, "DbtrAgt/FinInstnId/BIC", doc.debtor.bic)
    else:
        _add(pmt, "DbtrAgt/FinInstnId/Othr/Id", "NOTPROVIDED")
    _add(pmt, "ChrgBr", "SLEV")
    for transfer in doc.transfers:
        _transfer(pmt, transfer)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
