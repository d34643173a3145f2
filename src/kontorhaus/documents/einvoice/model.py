"""The issued snapshot read once into the EN 16931 business terms both syntaxes print.

Plain data in, plain data out: no ORM, no clock. CII (cii.py) and UBL (ubl.py) only lay these
terms out, so every decision (which VAT ids may appear, which payment means, how a gross
price becomes a net price) is made here once.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kontorhaus.core.money import ZERO, quantize, quantize_unit_price, to_decimal
from kontorhaus.core.vat_rules import exemption_reason

EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23, required by XRechnung (PEPPOL-R001)
UNIT_PIECE = "C62"  # UN/ECE Rec 20 "one": every line is counted in pieces


class Syntax(StrEnum):
    """The XML variants a document can be had in (download `?format=`)."""

    CII = "cii"  # Factur-X EN 16931, embedded in every PDF
    XRECHNUNG_CII = "xrechnung-cii"
    XRECHNUNG_UBL = "xrechnung-ubl"

    @property
    def xrechnung(self) -> bool:
        return self is not Syntax.CII


# Customer setting (customers.Customer.einvoice_format) -> the XML the e-mail carries.
SYNTAX_OF_CUSTOMER_FORMAT = {"xrechnung_cii": Syntax.XRECHNUNG_CII, "xrechnung_ubl": Syntax.XRECHNUNG_UBL}

# UNTDID 4461 payment means per shop payment method.
PAYMENT_MEANS = {
    "prepayment": "58",  # SEPA credit transfer to the seller's account
    "invoice": "58",
    "paypal": "68",  # online payment service
    # Not 48/54 (card): those require BG-18 with the card number (BR-DE-24-a), which the shop
    # never sees; the card is charged through the payment provider, an online payment service.
    "card": "68",
    "cod": "10",  # in cash (on delivery)
}
TRANSFER = frozenset({"58", "30"})
NO_RATE = frozenset({"O"})  # "not subject to VAT" carries no rate (BR-O-05, BR-O-09)
EXEMPT = frozenset({"E", "AE", "K", "G", "O"})  # need an exemption reason (BT-120)

TERMS = {
    "de": {"due": "Zahlbar bis {date} ohne Abzug.", "now": "Zahlbar sofort ohne Abzug.",
           "paid": "Bereits bezahlt.", "refund": "Der Betrag wird erstattet."},
    "en": {"due": "Payable by {date} without deduction.", "now": "Payable immediately without deduction.",
           "paid": "Already paid.", "refund": "The amount will be refunded."},
}
# Characters XML 1.0 cannot carry (a vertical tab pasted from a word processor into an article
# name): dropped from the e-invoice's texts, which are copies for machines; the PDF keeps them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Party:
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    email: str = ""
    vat_id: str = ""  # BT-31 / BT-48, empty where the VAT category forbids it
    tax_number: str = ""  # BT-32 (scheme FC)
    legal_id: str = ""  # BT-30 (commercial register)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class Line:
    position: str
    sku: str
    name: str
    quantity: Decimal
    price: Decimal  # BT-146 net price per `base_quantity`
    base_quantity: Decimal | None  # BT-149, only when a per-unit price would not add up
    net: Decimal  # BT-131
    category: str
    rate: Decimal


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate: Decimal
    basis: Decimal
    tax: Decimal
    reason: str  # BT-120, "" for S and Z


@dataclass(frozen=True)
class Payment:
    code: str  # BT-81
    reference: str  # BT-83
    iban: str
    bic: str
    account_name: str
    terms: str  # BT-20
    due_date: dt.date | None  # BT-9


@dataclass(frozen=True)
class Totals:
    line_total: Decimal  # BT-106
    tax_basis: Decimal  # BT-109
    tax: Decimal  # BT-110
    grand: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    due: Decimal  # BT-115


@dataclass(frozen=True)
class EInvoice:
    syntax: Syntax
    credit_note: bool
    number: str
    issue_date: dt.date
    currency: str
    notes: tuple[str, ...]
    buyer_reference: str
    order_number: str
    seller: Party
    buyer: Party
    ship_to: Party
    delivery_date: dt.date | None
    payment: Payment
    vat_groups: tuple[VatGroup, ...]
    lines: tuple[Line, ...]
    totals: Totals
    preceding_number: str  # BT-25
    preceding_date: dt.date | None  # BT-26

    @property
    def type_code(self) -> str:
        return "381" if self.credit_note else "380"

    @property
    def guideline(self) -> str:
        return XRECHNUNG if self.syntax.xrechnung else EN16931

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(line.category for line in self.lines)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _language(snapshot: dict[str, Any]) -> str:
    return "en" if snapshot.get("language") == "en" else "de"


def line_category(line: dict[str, Any]) -> str:
    # Snapshots issued before categories were copied onto lines: a rate means standard.
    return str(line.get("tax_category") or ("S" if to_decimal(line.get("tax_rate") or "0") else "Z"))


def net_price(quantity: Decimal, net: Decimal, currency: str) -> tuple[Decimal, Decimal | None]:
    """BT-146 (and BT-149 if needed) for a line whose net is known. Gross-priced lines have no
    net unit price of their own: net / quantity with four decimals when quantity x price gives
    the line net to the cent, else the price of the whole quantity (BT-149 = quantity), so
    quantity x price / base quantity = line net exactly (PEPPOL-EN16931-R120)."""
    if quantity == 0:
        return net, None
    price = quantize_unit_price(net / quantity)
    if quantize(price * quantity, currency) == net:
        return price, None
    return net, quantity


def _lines(snapshot: dict[str, Any], currency: str) -> tuple[Line, ...]:
    lines = []
    for item in snapshot["lines"]:
        quantity, net = to_decimal(item["quantity"]), to_decimal(item["net"])
        price, base = net_price(quantity, net, currency)
        category = line_category(item)
        lines.append(Line(
            position=str(item["position"]), sku=item.get("sku") or "", name=item["name"], quantity=quantity,
            price=price, base_quantity=base, net=net, category=category,
            rate=ZERO if category in NO_RATE else to_decimal(item.get("tax_rate") or "0"),
        ))
    return tuple(lines)


def vat_groups(snapshot: dict[str, Any], language: str) -> tuple[VatGroup, ...]:
    """BG-23 per (category, rate): OSS buckets of two countries at the same rate are one group."""
    groups: dict[tuple[str, Decimal], list[Decimal]] = {}
    for bucket in snapshot["tax_buckets"]:
        category = str(bucket.get("category") or "S")
        rate = ZERO if category in NO_RATE else to_decimal(bucket["rate"])
        sums = groups.setdefault((category, rate), [ZERO, ZERO])
        sums[0] += to_decimal(bucket["net"])
        sums[1] += to_decimal(bucket["tax"])
    return tuple(
        VatGroup(category=category, rate=rate, basis=basis, tax=tax,
                 reason=exemption_reason(category, language=language) if category in EXEMPT else "")
        for (category, rate), (basis, tax) in groups.items()
    )


def _seller(snapshot: dict[str, Any], categories: frozenset[str]) -> Party:
    seller = snapshot["seller"]
    # BR-O-02: an invoice with category O names no VAT id at all; the tax number may stay.
    vat_id = "" if "O" in categories else (seller.get("vat_id") or "")
    return Party(
        name=seller.get("name") or "", street=seller.get("street") or "", postal_code=seller.get("postal_code") or "",
        city=seller.get("city") or "", country=seller.get("country") or "DE", email=seller.get("email") or "",
        vat_id=vat_id, tax_number=seller.get("tax_number") or "",
        legal_id=seller.get("register_number") or seller.get("register") or "",
        contact_name=seller.get("contact_name") or seller.get("name") or "",
        contact_phone=seller.get("phone") or "", contact_email=seller.get("email") or "",
    )


def _address_party(address: dict[str, Any], *, email: str = "", vat_id: str = "") -> Party:
    return Party(
        name=address.get("company") or address.get("name") or "", street=address.get("street") or "",
        postal_code=address.get("postal_code") or "", city=address.get("city") or "",
        country=address.get("country") or "DE", email=email, vat_id=vat_id,
    )


def _payment(snapshot: dict[str, Any], totals: Totals, *, credit_note: bool) -> Payment:
    method = snapshot.get("payment_method") or ""
    code = PAYMENT_MEANS.get(method, "1")  # 1: instrument not defined
    if credit_note and code in TRANSFER:
        # A refund by transfer goes to the buyer's account, which the document does not know;
        # code 58 would require one (BR-61, BR-DE-23-a). Card and PayPal refunds keep theirs.
        code = "1"
    seller = snapshot["seller"]
    texts = TERMS[_language(snapshot)]
    due_date = _date(snapshot.get("due_date")) if not credit_note else None
    if credit_note:
        terms = texts["refund"]
    elif totals.due == 0:
        terms = texts["paid"]
    elif due_date is not None:
        terms = texts["due"].format(date=due_date.strftime("%d.%m.%Y"))
    else:
        terms = texts["now"]
    transfer = code in TRANSFER
    return Payment(
        code=code, reference=snapshot["number"] if not credit_note else snapshot.get("refers_to") or "",
        iban=(seller.get("iban") or "").replace(" ", "") if transfer else "",
        bic=(seller.get("bic") or "") if transfer else "", account_name=(seller.get("name") or "") if transfer else "",
        terms=terms, due_date=due_date,
    )


def _totals(snapshot: dict[str, Any], lines: tuple[Line, ...], groups: tuple[VatGroup, ...]) -> Totals:
    line_total = sum((line.net for line in lines), ZERO)
    tax = sum((g.tax for g in groups), ZERO)
    grand = to_decimal(snapshot["total_gross"])
    prepaid = grand if snapshot.get("paid") else ZERO
    return Totals(line_total=line_total, tax_basis=to_decimal(snapshot["total_net"]), tax=tax, grand=grand,
                  prepaid=prepaid, due=grand - prepaid)


def einvoice_from_snapshot(snapshot: dict[str, Any], *, syntax: Syntax) -> EInvoice:
    credit_note = snapshot["kind"] == "credit_note"
    currency = snapshot.get("currency") or "EUR"
    language = _language(snapshot)
    lines = _lines(snapshot, currency)
    groups = vat_groups(snapshot, language)
    totals = _totals(snapshot, lines, groups)
    categories = frozenset(line.category for line in lines) | {g.category for g in groups}
    buyer = snapshot["buyer"]
    buyer_vat_id = "" if "O" in categories else (buyer.get("vat_id") or "")
    reference = buyer.get("buyer_reference") or ("" if syntax.xrechnung else snapshot.get("order_number") or "")
    return EInvoice(
        syntax=syntax, credit_note=credit_note, number=snapshot["number"],
        issue_date=dt.date.fromisoformat(snapshot["issue_date"]), currency=currency,
        notes=tuple(n for n in snapshot.get("notes") or () if n), buyer_reference=reference,
        order_number=snapshot.get("order_number") or "", seller=_seller(snapshot, categories),
        buyer=_address_party(buyer, email=buyer.get("email") or "", vat_id=buyer_vat_id),
        ship_to=_address_party(snapshot.get("shipping_address") or buyer),
        delivery_date=_date(snapshot.get("delivery_date")), payment=_payment(snapshot, totals, credit_note=credit_note),
        vat_groups=groups, lines=lines, totals=totals,
        preceding_number=snapshot.get("refers_to") or "" if credit_note else "",
        preceding_date=_date(snapshot.get("refers_to_issue_date")) if credit_note else None,
    )
