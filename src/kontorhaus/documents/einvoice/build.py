"""Snapshot in, checked e-invoice out: the entry points the rest of the app calls."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kontorhaus.core.exceptions import InvalidInput

from ..registry import snapshot_for
from .checks import einvoice_check
from .cii import cii_build
from .facturx import facturx_embed
from .model import SYNTAX_OF_CUSTOMER_FORMAT, Syntax, einvoice_from_snapshot
from .ubl import ubl_build

EINVOICE_KINDS = frozenset({"invoice", "credit_note"})
XML_ATTACHMENT_KINDS = {"invoice_xml": "invoice", "credit_note_xml": "credit_note"}


@dataclass(frozen=True)
class XmlFile:
    filename: str
    content: bytes
    content_type: str = "application/xml"


def syntax_from(value: str) -> Syntax:
    try:
        return Syntax(value or Syntax.CII)
    except ValueError:
        raise InvalidInput(f"unknown e-invoice format {value!r}; use one of {', '.join(Syntax)}",
                           details={"field": "format"}) from None


def einvoice_xml(snapshot: dict[str, Any], *, syntax: Syntax = Syntax.CII) -> bytes:
    """The EN 16931 XML of an issued invoice or credit note snapshot; EInvoiceInvalid when the
    product-side check finds anything."""
    doc = einvoice_from_snapshot(snapshot, syntax=syntax)
    xml = ubl_build(doc) if syntax is Syntax.XRECHNUNG_UBL else cii_build(doc)
    einvoice_check(xml, number=doc.number, xrechnung=syntax.xrechnung)
    return xml


def einvoice_pdf(snapshot: dict[str, Any], pdf: bytes) -> bytes:
    """The printed PDF/A-3b made a Factur-X hybrid (EN 16931 CII embedded)."""
    xml = einvoice_xml(snapshot, syntax=Syntax.CII)
    return facturx_embed(pdf, xml, issue_date=dt.date.fromisoformat(snapshot["issue_date"]))


def einvoice_xml_for(*, kind: str, number: str, syntax: Syntax) -> XmlFile:
    """XRechnung (or plain CII) of a stored document, built from its issued snapshot."""
    snapshot = snapshot_for(kind, number)
    return XmlFile(filename=f"{number}.xml", content=einvoice_xml(snapshot, syntax=syntax))


def customer_syntax(snapshot: dict[str, Any]) -> Syntax | None:
    """The XRechnung variant the buyer asked for, or None (the Factur-X PDF is enough)."""
    return SYNTAX_OF_CUSTOMER_FORMAT.get((snapshot.get("buyer") or {}).get("einvoice_format") or "")


def einvoice_attachment(*, kind: str, number: str) -> XmlFile:
    """The XML an e-mail attachment `{"kind": "invoice_xml", ...}` stands for: the variant on
    the issued snapshot's buyer (XRechnung CII or UBL), else Factur-X CII."""
    document_kind = XML_ATTACHMENT_KINDS[kind]
    snapshot = snapshot_for(document_kind, number)
    syntax = customer_syntax(snapshot) or Syntax.CII
    return XmlFile(filename=f"{number}.xml", content=einvoice_xml(snapshot, syntax=syntax))
