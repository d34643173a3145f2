"""OASIS UBL 2.1 Invoice / CreditNote, XRechnung 3.0: for customers who ask for UBL.

Same business terms as cii.py (model.EInvoice), in UBL's element order.
"""

import datetime as dt
from decimal import Decimal

from lxml import etree

from .model import NO_RATE, PEPPOL_PROCESS, UNIT_PIECE, EInvoice, Line, Party, xml_text

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_NS = {"cac": CAC, "cbc": CBC}


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{_NS[prefix]}}}{name}", attrs or None)
    if text is not None:
        element.text = xml_text(text)
    return element


def _num(value: Decimal) -> str:
    return f"{value:f}"


def _day(value: dt.date) -> str:
    return value.isoformat()


def _money(parent: etree._Element, tag: str, value: Decimal, currency: str) -> None:
    _sub(parent, tag, _num(value), currencyID=currency)


def _address(parent: etree._Element, tag: str, party: Party) -> None:
    address = _sub(parent, tag)
    if party.street:
        _sub(address, "cbc:StreetName", party.street)
    if party.city:
        _sub(address, "cbc:CityName", party.city)
    if party.postal_code:
        _sub(address, "cbc:PostalZone", party.postal_code)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", party.country)


def _tax_scheme(parent: etree._Element, company_id: str, scheme: str) -> None:
    tax_scheme = _sub(parent, "cac:PartyTaxScheme")
    _sub(tax_scheme, "cbc:CompanyID", company_id)
    _sub(_sub(tax_scheme, "cac:TaxScheme"), "cbc:ID", scheme)


def _party(parent: etree._Element, tag: str, party: Party, *, seller: bool) -> None:
    element = _sub(_sub(parent, tag), "cac:Party")
    if party.email:  # BT-34 / BT-49
        _sub(element, "cbc:EndpointID", party.email, schemeID="EM")
    _address(element, "cac:PostalAddress", party)
    if party.vat_id:
        _tax_scheme(element, party.vat_id, "VAT")
    if party.tax_number:
        _tax_scheme(element, party.tax_number, "FC")  # BT-32: any scheme other than VAT
    legal = _sub(element, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", party.name)
    if party.legal_id:
        _sub(legal, "cbc:CompanyID", party.legal_id)
    if seller:
        contact = _sub(element, "cac:Contact")
        _sub(contact, "cbc:Name", party.contact_name)
        if party.contact_phone:
            _sub(contact, "cbc:Telephone", party.contact_phone)
        if party.contact_email:
            _sub(contact, "cbc:ElectronicMail", party.contact_email)


def _tax_category(parent: etree._Element, tag: str, category: str, rate: Decimal, reason: str = "", *,
                  line: bool = False) -> None:
    element = _sub(parent, tag)
    _sub(element, "cbc:ID", category)
    if not (line and category in NO_RATE):  # as in cii.py: O lines have no rate, O breakdowns 0
        _sub(element, "cbc:Percent", _num(rate))
    if reason:
        _sub(element, "cbc:TaxExemptionReason", reason)
    _sub(_sub(element, "cac:TaxScheme"), "cbc:ID", "VAT")


def _line(root: etree._Element, doc: EInvoice, line: Line) -> None:
    tag, quantity_tag = ("CreditNoteLine", "CreditedQuantity") if doc.credit_note else (
        "InvoiceLine", "InvoicedQuantity")
    element = _sub(root, f"cac:{tag}")
    _sub(element, "cbc:ID", line.position)
    _sub(element, f"cbc:{quantity_tag}", _num(line.quantity), unitCode=UNIT_PIECE)
    _money(element, "cbc:LineExtensionAmount", line.net, doc.currency)
    item = _sub(element, "cac:Item")
    _sub(item, "cbc:Name", line.name)
    if line.sku:
        _sub(_sub(item, "cac:SellersItemIdentification"), "cbc:ID", line.sku)
    _tax_category(item, "cac:ClassifiedTaxCategory", line.category, line.rate, line=True)
    price = _sub(element, "cac:Price")
    _money(price, "cbc:PriceAmount", line.price, doc.currency)
    if line.base_quantity is not None:
        _sub(price, "cbc:BaseQuantity", _num(line.base_quantity), unitCode=UNIT_PIECE)


def _header(root: etree._Element, doc: EInvoice) -> None:
    _sub(root, "cbc:CustomizationID", doc.guideline)
    _sub(root, "cbc:ProfileID", PEPPOL_PROCESS)
    _sub(root, "cbc:ID", doc.number)
    _sub(root, "cbc:IssueDate", _day(doc.issue_date))
    if doc.credit_note:
        _sub(root, "cbc:CreditNoteTypeCode", doc.type_code)
    else:
        if doc.payment.due_date:
            _sub(root, "cbc:DueDate", _day(doc.payment.due_date))
        _sub(root, "cbc:InvoiceTypeCode", doc.type_code)
    for note in doc.notes:
        _sub(root, "cbc:Note", note)
    _sub(root, "cbc:DocumentCurrencyCode", doc.currency)
    if doc.buyer_reference:
        _sub(root, "cbc:BuyerReference", doc.buyer_reference)
    if doc.order_number:  # BT-14 needs an order id beside it in UBL; "NA" as PEPPOL prescribes
        order = _sub(root, "cac:OrderReference")
        _sub(order, "cbc:ID", "NA")
        _sub(order, "cbc:SalesOrderID", doc.order_number)
    if doc.preceding_number:
        reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(reference, "cbc:ID", doc.preceding_number)
        if doc.preceding_date:
            _sub(reference, "cbc:IssueDate", _day(doc.preceding_date))


def _delivery_and_payment(root: etree._Element, doc: EInvoice) -> None:
    delivery = _sub(root, "cac:Delivery")
    if doc.delivery_date:
        _sub(delivery, "cbc:ActualDeliveryDate", _day(doc.delivery_date))
    _address(_sub(delivery, "cac:DeliveryLocation"), "cac:Address", doc.ship_to)
    _sub(_sub(_sub(delivery, "cac:DeliveryParty"), "cac:PartyName"), "cbc:Name", doc.ship_to.name)
    payment = doc.payment
    means = _sub(root, "cac:PaymentMeans")
    _sub(means, "cbc:PaymentMeansCode", payment.code)
    if payment.reference:
        _sub(means, "cbc:PaymentID", payment.reference)
    if payment.iban:
        account = _sub(means, "cac:PayeeFinancialAccount")
        _sub(account, "cbc:ID", payment.iban)
        _sub(account, "cbc:Name", payment.account_name)
        if payment.bic:
            _sub(_sub(account, "cac:FinancialInstitutionBranch"), "cbc:ID", payment.bic)
    _sub(_sub(root, "cac:PaymentTerms"), "cbc:Note", payment.terms)


def _taxes_and_totals(root: etree._Element, doc: EInvoice) -> None:
    currency, totals = doc.currency, doc.totals
    tax_total = _sub(root, "cac:TaxTotal")
    _money(tax_total, "cbc:TaxAmount", totals.tax, currency)
    for group in doc.vat_groups:
        subtotal = _sub(tax_total, "cac:TaxSubtotal")
        _money(subtotal, "cbc:TaxableAmount", group.basis, currency)
        _money(subtotal, "cbc:TaxAmount", group.tax, currency)
        _tax_category(subtotal, "cac:TaxCategory", group.category, group.rate, group.reason)
    monetary = _sub(root, "cac:LegalMonetaryTotal")
    _money(monetary, "cbc:LineExtensionAmount", totals.line_total, currency)
    _money(monetary, "cbc:TaxExclusiveAmount", totals.tax_basis, currency)
    _money(monetary, "cbc:TaxInclusiveAmount", totals.grand, currency)
    _money(monetary, "cbc:PrepaidAmount", totals.prepaid, currency)
    _money(monetary, "cbc:PayableAmount", totals.due, currency)


def ubl_build(doc: EInvoice) -> bytes:
    namespace = NS_CREDIT_NOTE if doc.credit_note else NS_INVOICE
    root = etree.Element(f"{{{namespace}}}{'CreditNote' if doc.credit_note else 'Invoice'}",
                         nsmap={None: namespace, **_NS})
    _header(root, doc)
    _party(root, "cac:AccountingSupplierParty", doc.seller, seller=True)
    _party(root, "cac:AccountingCustomerParty", doc.buyer, seller=False)
    _delivery_and_payment(root, doc)
    _taxes_and_totals(root, doc)
    for line in doc.lines:
        _line(root, doc, line)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
