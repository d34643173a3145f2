"""What the product-side check reads back out of a finished XML (CII or UBL).

The check looks at the XML as the recipient will, not at the data it was made from, so a
serialiser bug (or a tampered file) is caught too. Only the facts the cheap rules need.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from .cii import RAM, RSM
from .ubl import CAC, CBC

_CII = {"rsm": RSM, "ram": RAM}
_UBL = {"cac": CAC, "cbc": CBC}


class UnreadableAmount(ValueError):
    pass


@dataclass
class Facts:
    lines: list[tuple[str, Decimal | None, Decimal]] = field(default_factory=list)  # category, rate, net
    groups: list[tuple[str, Decimal | None, Decimal, Decimal, str]] = field(default_factory=list)  # +basis, tax, reason
    totals: dict[str, Decimal | None] = field(default_factory=dict)
    seller_vat_id: str = ""
    seller_tax_number: str = ""
    buyer_vat_id: str = ""
    deliver_to_country: str = ""
    buyer_reference: str = ""
    contact: tuple[str, str, str] = ("", "", "")  # name, phone, e-mail
    payment_means: int = 0


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise UnreadableAmount(f"not a number: {text!r}") from None


def _required(text: str | None) -> Decimal:
    value = _decimal(text)
    return Decimal(0) if value is None else value


TOTALS_CII = {
    "line_total": "LineTotalAmount", "allowances": "AllowanceTotalAmount", "charges": "ChargeTotalAmount",
    "tax_basis": "TaxBasisTotalAmount", "tax": "TaxTotalAmount", "grand": "GrandTotalAmount",
    "prepaid": "TotalPrepaidAmount", "rounding": "RoundingAmount", "due": "DuePayableAmount",
}
TOTALS_UBL = {
    "line_total": "LineExtensionAmount", "allowances": "AllowanceTotalAmount", "charges": "ChargeTotalAmount",
    "tax_basis": "TaxExclusiveAmount", "grand": "TaxInclusiveAmount", "prepaid": "PrepaidAmount",
    "rounding": "PayableRoundingAmount", "due": "PayableAmount",
}


def cii_facts(root: etree._Element) -> Facts:
    ns = _CII
    facts = Facts()
    for item in root.iterfind("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", ns):
        settlement = item.find("ram:SpecifiedLineTradeSettlement", ns)
        facts.lines.append((
            settlement.findtext("ram:ApplicableTradeTax/ram:CategoryCode", "", ns),
            _decimal(settlement.findtext("ram:ApplicableTradeTax/ram:RateApplicablePercent", None, ns)),
            _required(settlement.findtext(
                "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", None, ns)),
        ))
    settlement = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement", ns)
    agreement = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement", ns)
    if settlement is None or agreement is None:
        return facts
    for tax in settlement.iterfind("ram:ApplicableTradeTax", ns):
        facts.groups.append((
            tax.findtext("ram:CategoryCode", "", ns), _decimal(tax.findtext("ram:RateApplicablePercent", None, ns)),
            _required(tax.findtext("ram:BasisAmount", None, ns)),
            _required(tax.findtext("ram:CalculatedAmount", None, ns)),
            tax.findtext("ram:ExemptionReason", "", ns),
        ))
    summation = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", ns)
    if summation is not None:
        facts.totals = {key: _decimal(summation.findtext(f"ram:{tag}", None, ns))
                        for key, tag in TOTALS_CII.items()}
    facts.payment_means = len(settlement.findall("ram:SpecifiedTradeSettlementPaymentMeans", ns))
    seller = agreement.find("ram:SellerTradeParty", ns)
    registrations = {r.get("schemeID"): r.text or ""
                     for r in seller.iterfind("ram:SpecifiedTaxRegistration/ram:ID", ns)}
    facts.seller_vat_id, facts.seller_tax_number = registrations.get("VA", ""), registrations.get("FC", "")
    facts.buyer_vat_id = agreement.findtext(
        "ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", "", ns)
    facts.deliver_to_country = root.findtext(
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/"
        "ram:PostalTradeAddress/ram:CountryID", "", ns)
    facts.buyer_reference = agreement.findtext("ram:BuyerReference", "", ns)
    contact = seller.find("ram:DefinedTradeContact", ns)
    if contact is not None:
        facts.contact = (contact.findtext("ram:PersonName", "", ns),
                         contact.findtext("ram:TelephoneUniversalCommunication/ram:CompleteNumber", "", ns),
                         contact.findtext("ram:EmailURIUniversalCommunication/ram:URIID", "", ns))
    return facts


def ubl_facts(root: etree._Element) -> Facts:
    ns = _UBL
    facts = Facts()
    for item in [*root.iterfind("cac:InvoiceLine", ns), *root.iterfind("cac:CreditNoteLine", ns)]:
        category = item.find("cac:Item/cac:ClassifiedTaxCategory", ns)
        facts.lines.append((category.findtext("cbc:ID", "", ns),
                            _decimal(category.findtext("cbc:Percent", None, ns)),
                            _required(item.findtext("cbc:LineExtensionAmount", None, ns))))
    for subtotal in root.iterfind("cac:TaxTotal/cac:TaxSubtotal", ns):
        category = subtotal.find("cac:TaxCategory", ns)
        facts.groups.append((
            category.findtext("cbc:ID", "", ns), _decimal(category.findtext("cbc:Percent", None, ns)),
            _required(subtotal.findtext("cbc:TaxableAmount", None, ns)),
            _required(subtotal.findtext("cbc:TaxAmount", None, ns)),
            category.findtext("cbc:TaxExemptionReason", "", ns),
        ))
    monetary = root.find("cac:LegalMonetaryTotal", ns)
    if monetary is not None:
        facts.totals = {key: _decimal(monetary.findtext(f"cbc:{tag}", None, ns)) for key, tag in TOTALS_UBL.items()}
        facts.totals["tax"] = _decimal(root.findtext("cac:TaxTotal/cbc:TaxAmount", None, ns))
    facts.payment_means = len(root.findall("cac:PaymentMeans", ns))
    seller = root.find("cac:AccountingSupplierParty/cac:Party", ns)
    if seller is None:
        return facts
    for scheme in seller.iterfind("cac:PartyTaxScheme", ns):
        if scheme.findtext("cac:TaxScheme/cbc:ID", "", ns) == "VAT":
            facts.seller_vat_id = scheme.findtext("cbc:CompanyID", "", ns)
        else:
            facts.seller_tax_number = scheme.findtext("cbc:CompanyID", "", ns)
    facts.buyer_vat_id = root.findtext(
        "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", "", ns)
    facts.deliver_to_country = root.findtext(
        "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode", "", ns)
    facts.buyer_reference = root.findtext("cbc:BuyerReference", "", ns)
    facts.contact = (seller.findtext("cac:Contact/cbc:Name", "", ns),
                     seller.findtext("cac:Contact/cbc:Telephone", "", ns),
                     seller.findtext("cac:Contact/cbc:ElectronicMail", "", ns))
    return facts
