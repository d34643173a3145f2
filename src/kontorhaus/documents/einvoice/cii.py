"""UN/CEFACT Cross Industry Invoice (D16B), EN 16931 profile: Factur-X and XRechnung CII.

Elements are written in the schema's sequence order (the XSD is strict about it); the
business-term numbers in the comments are EN 16931's.
"""

import datetime as dt
from decimal import Decimal

from lxml import etree

from .model import NO_RATE, PEPPOL_PROCESS, UNIT_PIECE, EInvoice, Line, Party, VatGroup, xml_text

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrs or None)
    if text is not None:
        element.text = xml_text(text)
    return element


def _path(parent: etree._Element, tags: str, text: str) -> etree._Element:
    """`ram:A/ram:B` with the text on the last element."""
    *outer, last = tags.split("/")
    for tag in outer:
        parent = _sub(parent, tag)
    return _sub(parent, last, text)


def _date(parent: etree._Element, tag: str, value: dt.date, *, qualified: bool = False) -> None:
    wrapper = _sub(parent, tag)
    _sub(wrapper, "qdt:DateTimeString" if qualified else "udt:DateTimeString", value.strftime("%Y%m%d"),
         format="102")


def _amount(value: Decimal) -> str:
    return f"{value:f}"


def _rate(value: Decimal) -> str:
    return f"{value:f}"


def _address(parent: etree._Element, party: Party) -> None:
    address = _sub(parent, "ram:PostalTradeAddress")
    if party.postal_code:
        _sub(address, "ram:PostcodeCode", party.postal_code)
    if party.street:
        _sub(address, "ram:LineOne", party.street)
    if party.city:
        _sub(address, "ram:CityName", party.city)
    _sub(address, "ram:CountryID", party.country)


def _tax_registrations(parent: etree._Element, party: Party) -> None:
    if party.vat_id:
        _sub(_sub(parent, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")
    if party.tax_number:
        _sub(_sub(parent, "ram:SpecifiedTaxRegistration"), "ram:ID", party.tax_number, schemeID="FC")


def _seller(parent: etree._Element, doc: EInvoice) -> None:
    seller = doc.seller
    party = _sub(parent, "ram:SellerTradeParty")
    _sub(party, "ram:Name", seller.name)
    if seller.legal_id:
        _sub(_sub(party, "ram:SpecifiedLegalOrganization"), "ram:ID", seller.legal_id)
    contact = _sub(party, "ram:DefinedTradeContact")  # BG-6, BR-DE-2
    _sub(contact, "ram:PersonName", seller.contact_name)
    if seller.contact_phone:
        _path(contact, "ram:TelephoneUniversalCommunication/ram:CompleteNumber", seller.contact_phone)
    if seller.contact_email:
        _path(contact, "ram:EmailURIUniversalCommunication/ram:URIID", seller.contact_email)
    _address(party, seller)
    if seller.email:  # BT-34
        _sub(_sub(party, "ram:URIUniversalCommunication"), "ram:URIID", seller.email, schemeID="EM")
    _tax_registrations(party, seller)


def _buyer(parent: etree._Element, doc: EInvoice) -> None:
    buyer = doc.buyer
    party = _sub(parent, "ram:BuyerTradeParty")
    _sub(party, "ram:Name", buyer.name)
    _address(party, buyer)
    if buyer.email:  # BT-49
        _sub(_sub(party, "ram:URIUniversalCommunication"), "ram:URIID", buyer.email, schemeID="EM")
    if buyer.vat_id:
        _sub(_sub(party, "ram:SpecifiedTaxRegistration"), "ram:ID", buyer.vat_id, schemeID="VA")


def _line(parent: etree._Element, line: Line) -> None:
    item = _sub(parent, "ram:IncludedSupplyChainTradeLineItem")
    _path(item, "ram:AssociatedDocumentLineDocument/ram:LineID", line.position)
    product = _sub(item, "ram:SpecifiedTradeProduct")
    if line.sku:
        _sub(product, "ram:SellerAssignedID", line.sku)
    _sub(product, "ram:Name", line.name)
    price = _sub(_sub(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _sub(price, "ram:ChargeAmount", _amount(line.price))
    if line.base_quantity is not None:
        _sub(price, "ram:BasisQuantity", _amount(line.base_quantity), unitCode=UNIT_PIECE)
    _sub(_sub(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", _amount(line.quantity),
         unitCode=UNIT_PIECE)
    settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
    tax = _sub(settlement, "ram:ApplicableTradeTax")
    _sub(tax, "ram:TypeCode", "VAT")
    _sub(tax, "ram:CategoryCode", line.category)
    if line.category not in NO_RATE:
        _sub(tax, "ram:RateApplicablePercent", _rate(line.rate))
    _path(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", _amount(line.net))


def _vat_group(parent: etree._Element, group: VatGroup) -> None:
    tax = _sub(parent, "ram:ApplicableTradeTax")
    _sub(tax, "ram:CalculatedAmount", _amount(group.tax))
    _sub(tax, "ram:TypeCode", "VAT")
    if group.reason:
        _sub(tax, "ram:ExemptionReason", group.reason)
    _sub(tax, "ram:BasisAmount", _amount(group.basis))
    _sub(tax, "ram:CategoryCode", group.category)
    # Always a rate here, 0 for O: EN 16931 allows it (only lines must not carry one, BR-O-05)
    # and XRechnung requires it (BR-DE-14).
    _sub(tax, "ram:RateApplicablePercent", _rate(group.rate))


def _delivery(parent: etree._Element, doc: EInvoice) -> None:
    delivery = _sub(parent, "ram:ApplicableHeaderTradeDelivery")
    ship_to = _sub(delivery, "ram:ShipToTradeParty")  # BG-13; BT-80 is required for category K
    _sub(ship_to, "ram:Name", doc.ship_to.name)
    _address(ship_to, doc.ship_to)
    if doc.delivery_date:  # BT-72
        _date(_sub(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", doc.delivery_date)


def _settlement(parent: etree._Element, doc: EInvoice) -> None:
    settlement = _sub(parent, "ram:ApplicableHeaderTradeSettlement")
    payment = doc.payment
    if payment.reference:
        _sub(settlement, "ram:PaymentReference", payment.reference)
    _sub(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    means = _sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _sub(means, "ram:TypeCode", payment.code)
    if payment.iban:
        account = _sub(means, "ram:PayeePartyCreditorFinancialAccount")
        _sub(account, "ram:IBANID", payment.iban)
        _sub(account, "ram:AccountName", payment.account_name)
        if payment.bic:
            _path(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID", payment.bic)
    for group in doc.vat_groups:
        _vat_group(settlement, group)
    terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
    _sub(terms, "ram:Description", payment.terms)
    if payment.due_date:
        _date(terms, "ram:DueDateDateTime", payment.due_date)
    totals = doc.totals
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(summation, "ram:LineTotalAmount", _amount(totals.line_total))
    _sub(summation, "ram:TaxBasisTotalAmount", _amount(totals.tax_basis))
    _sub(summation, "ram:TaxTotalAmount", _amount(totals.tax), currencyID=doc.currency)
    _sub(summation, "ram:GrandTotalAmount", _amount(totals.grand))
    _sub(summation, "ram:TotalPrepaidAmount", _amount(totals.prepaid))
    _sub(summation, "ram:DuePayableAmount", _amount(totals.due))
    if doc.preceding_number:  # BG-3: the invoice a credit note corrects
        reference = _sub(settlement, "ram:InvoiceReferencedDocument")
        _sub(reference, "ram:IssuerAssignedID", doc.preceding_number)
        if doc.preceding_date:
            _date(reference, "ram:FormattedIssueDateTime", doc.preceding_date, qualified=True)


def cii_build(doc: EInvoice) -> bytes:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _sub(root, "rsm:ExchangedDocumentContext")
    if doc.syntax.xrechnung:
        _path(context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID", PEPPOL_PROCESS)
    _path(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", doc.guideline)
    header = _sub(root, "rsm:ExchangedDocument")
    _sub(header, "ram:ID", doc.number)
    _sub(header, "ram:TypeCode", doc.type_code)
    _date(header, "ram:IssueDateTime", doc.issue_date)
    for note in doc.notes:
        _path(header, "ram:IncludedNote/ram:Content", note)
    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        _line(transaction, line)
    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.buyer_reference:
        _sub(agreement, "ram:BuyerReference", doc.buyer_reference)
    _seller(agreement, doc)
    _buyer(agreement, doc)
    if doc.order_number:  # BT-14: the shop's order
        _path(agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID", doc.order_number)
    _delivery(transaction, doc)
    _settlement(transaction, doc)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
