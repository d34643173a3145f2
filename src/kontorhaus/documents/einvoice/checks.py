"""The product-side check of an e-invoice before it is stored or sent.

Two cheap layers (a few hundred microseconds per one-page invoice): the XML Schema (UN/CEFACT
CII D16B, shipped in data/; parsed once per process), and the EN 16931 calculation and
VAT-category rules in Python (BR-CO-10 to BR-CO-17, the category sums and VAT-id rules,
and XRechnung's BR-DE-1/2/15). The full Schematron (hundreds of rules, XSLT 2 via Saxon) is
what the tests run against every scenario; it is too slow and too heavy to ship in the
render path. A finding raises DomainError("einvoice_invalid") listing all findings, so
nothing is stored or sent.
"""

import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from lxml import etree

from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.money import has_at_most_places, quantize

from .cii import RSM
from .facts import Facts, UnreadableAmount, cii_facts, ubl_facts
from .ubl import NS_CREDIT_NOTE, NS_INVOICE

DATA = Path(__file__).resolve().parent / "data"
CII_XSD = DATA / "CrossIndustryInvoice_100pD16B.xsd"
ZERO_RATED = frozenset({"Z", "E", "AE", "K", "G"})
EXEMPT = frozenset({"E", "AE", "K", "G", "O"})

_schemas: dict[Path, etree.XMLSchema] = {}
_schema_lock = threading.Lock()
_parser = etree.XMLParser(resolve_entities=False, no_network=True)


class EInvoiceInvalid(DomainError):
    code = "einvoice_invalid"
    status = 422


def schema(path: Path) -> etree.XMLSchema:
    """The parsed XSD, once per process (parsing D16B costs ~100 ms; validating ~0.3 ms)."""
    with _schema_lock:
        if path not in _schemas:
            _schemas[path] = etree.XMLSchema(etree.parse(str(path), _parser))
        return _schemas[path]


def _schema_findings(root: etree._Element) -> list[str]:
    if etree.QName(root).namespace != RSM:
        return []  # UBL: the OASIS schemas are not shipped; the tests validate UBL against them
    xsd = schema(CII_XSD)
    if xsd.validate(root):
        return []
    return [f"XSD: {e.message} (line {e.line})" for e in xsd.error_log][:20]


def _places(value: Decimal | None) -> bool:
    return value is None or has_at_most_places(value, 2)


def _totals_findings(f: Facts) -> list[str]:
    t = {k: v if v is not None else Decimal(0) for k, v in f.totals.items()}
    out = []
    missing = [k for k in ("line_total", "tax_basis", "grand", "due") if f.totals.get(k) is None]
    if missing:
        return [f"BR-12..15: missing totals {', '.join(missing)}"]
    if t["line_total"] != sum((net for _, _, net in f.lines), Decimal(0)):
        out.append(f"BR-CO-10: sum of line net amounts != {t['line_total']}")
    if t["tax_basis"] != t["line_total"] - t["allowances"] + t["charges"]:
        out.append(f"BR-CO-13: invoice total without VAT {t['tax_basis']} != lines - allowances + charges")
    if t["tax"] != sum((g[3] for g in f.groups), Decimal(0)):
        out.append(f"BR-CO-14: invoice total VAT {t['tax']} != sum of VAT breakdown amounts")
    if t["grand"] != t["tax_basis"] + t["tax"]:
        out.append(f"BR-CO-15: invoice total with VAT {t['grand']} != {t['tax_basis']} + {t['tax']}")
    if t["due"] != t["grand"] - t["prepaid"] + t["rounding"]:
        out.append(f"BR-CO-16: amount due {t['due']} != total - prepaid + rounding")
    if not all(_places(v) for v in f.totals.values()):
        out.append("BR-DEC: document totals have more than two decimals")
    return out


def _group_findings(f: Facts) -> list[str]:
    out = []
    seen = set()
    for category, rate, basis, tax, reason in f.groups:
        key = (category, rate or 0)  # O lines have no rate, their breakdown has 0
        if key in seen:
            out.append(f"BR-CO-18: two VAT breakdowns for {category} {rate}")
        seen.add(key)
        lines = sum((net for c, r, net in f.lines if (c, r or 0) == key), Decimal(0))
        if basis != lines:
            out.append(f"BR-{category}-08: VAT basis {basis} of {category} {rate} != its lines' sum {lines}")
        expected = quantize(basis * (rate or 0) / 100)
        # BR-CO-17 as CEN checks it: one currency unit either way (gross-priced buckets differ by a cent).
        if abs(tax - expected) > 1:
            out.append(f"BR-CO-17: VAT {tax} of {category} {rate} is not {basis} x {rate} %")
        if category in ZERO_RATED and (rate != 0 or tax != 0):
            out.append(f"BR-{category}-05: category {category} must have rate 0 and no VAT")
        if category in EXEMPT and not reason:
            out.append(f"BR-{category}-10: category {category} needs an exemption reason (BT-120)")
        if not (_places(basis) and _places(tax)):
            out.append(f"BR-DEC-19/20: VAT breakdown {category} {rate} has more than two decimals")
    for category, rate, _ in f.lines:
        if (category, rate or 0) not in seen:
            out.append(f"BR-{category}-01: no VAT breakdown for line category {category} {rate}")
    return out


def _party_findings(f: Facts) -> list[str]:
    categories = {c for c, *_ in f.groups}
    out = []
    if "S" in categories and not (f.seller_vat_id or f.seller_tax_number):
        out.append("BR-S-02: standard-rated lines need the seller's VAT id or tax number")
    if "E" in categories and not (f.seller_vat_id or f.seller_tax_number):
        out.append("BR-E-02: exempt lines need the seller's VAT id or tax number")
    if "G" in categories and not f.seller_vat_id:
        out.append("BR-G-02: export needs the seller's VAT id")
    for category in ("K", "AE"):
        if category in categories and not (f.seller_vat_id and f.buyer_vat_id):
            out.append(f"BR-{category}-02/03: category {category} needs the seller's and the buyer's VAT id")
    if "K" in categories and not f.deliver_to_country:
        out.append("BR-IC-12: intra-community supply needs the deliver-to country (BT-80)")
    if "O" in categories and (f.seller_vat_id or f.buyer_vat_id):
        out.append("BR-O-02: an invoice not subject to VAT must not name VAT ids")
    if "O" in categories and categories != {"O"}:
        out.append("BR-O-11: category O cannot be combined with other categories")
    return out


def _xrechnung_findings(f: Facts) -> list[str]:
    out = []
    if not f.buyer_reference:
        out.append("BR-DE-15: XRechnung needs the buyer reference (Leitweg-ID, BT-10); set it on the customer")
    name, phone, email = f.contact
    for rule, value, label in (("BR-DE-5", name, "contact name"), ("BR-DE-6", phone, "phone"),
                               ("BR-DE-7", email, "e-mail")):
        if not value:
            out.append(f"{rule}: XRechnung needs the seller's {label} (company profile)")
    if not f.payment_means:
        out.append("BR-DE-1: XRechnung needs payment instructions (BG-16)")
    return out


FACTS: dict[str, Callable[[etree._Element], Facts]] = {RSM: cii_facts, NS_INVOICE: ubl_facts,
                                                       NS_CREDIT_NOTE: ubl_facts}


def einvoice_findings(xml: bytes, *, xrechnung: bool = False) -> list[str]:
    """Everything wrong with the XML, as "RULE: text" lines; [] when it passes."""
    try:
        root = etree.fromstring(xml, _parser)
    except etree.XMLSyntaxError as exc:
        return [f"XML: not well-formed: {exc}"]
    reader = FACTS.get(etree.QName(root).namespace)
    if reader is None:
        return [f"XML: unknown document {root.tag}"]
    findings = _schema_findings(root)
    try:
        facts = reader(root)
    except (UnreadableAmount, AttributeError) as exc:
        return [*findings, f"XML: cannot read the amounts ({exc})"]
    findings += _totals_findings(facts) + _group_findings(facts) + _party_findings(facts)
    if xrechnung:
        findings += _xrechnung_findings(facts)
    return findings


def einvoice_check(xml: bytes, *, number: str, xrechnung: bool = False) -> None:
    findings = einvoice_findings(xml, xrechnung=xrechnung)
    if findings:
        raise EInvoiceInvalid(
            f"the e-invoice of {number} is not valid EN 16931: " + "; ".join(findings[:5]),
            details={"number": number, "findings": findings},
        )
