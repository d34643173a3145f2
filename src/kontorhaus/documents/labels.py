"""Printed labels per document language. Kept in Python so templates stay free of wording
and a new language is one more dict."""

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "invoice": "Rechnung",
        "credit_note": "Gutschrift",
        "number_invoice": "Rechnungsnummer",
        "number_credit_note": "Gutschriftnummer",
        "issue_date_invoice": "Rechnungsdatum",
        "issue_date_credit_note": "Datum",
        "delivery_date": "Lieferdatum",
        "order_number": "Bestellnummer",
        "customer_number": "Kundennummer",
        "buyer_vat_id": "Ihre USt-IdNr.",
        "payment_method": "Zahlungsart",
        "refers_to": "Diese Gutschrift bezieht sich auf die Rechnung {number}.",
        "shipping_address": "Lieferadresse",
        "position": "Pos.",
        "article": "Artikel",
        "quantity": "Menge",
        "unit_price": "Einzelpreis",
        "tax_rate": "USt.",
        "amount": "Betrag",
        "total_net": "Nettobetrag",
        "tax": "Umsatzsteuer {rate} auf {net}",
        "total_gross": "Gesamtbetrag",
        "prices_gross": "Alle Preise inkl. Umsatzsteuer.",
        "paid": "Der Betrag wurde bereits bezahlt. Vielen Dank!",
        "transfer": "Bitte überweisen Sie {amount} unter Angabe der Rechnungsnummer {number} "
        "auf das unten genannte Konto.",
        "refund": "Der Betrag von {amount} wird Ihnen erstattet.",
        "page": "Seite",
        "of": "von",
        "managing_directors": "Geschäftsführung",
        "vat_id": "USt-IdNr.",
        "tax_number": "Steuernummer",
        "phone": "Tel.",
        "iban": "IBAN",
        "bic": "BIC",
    },
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "number_invoice": "Invoice number",
        "number_credit_note": "Credit note number",
        "issue_date_invoice": "Invoice date",
        "issue_date_credit_note": "Date",
        "delivery_date": "Delivery date",
        "order_number": "Order number",
        "customer_number": "Customer number",
        "buyer_vat_id": "Your VAT ID",
        "payment_method": "Payment method",
        "refers_to": "This credit note refers to invoice {number}.",
        "shipping_address": "Shipping address",
        "position": "Pos.",
        "article": "Item",
        "quantity": "Qty",
        "unit_price": "Unit price",
        "tax_rate": "VAT",
        "amount": "Amount",
        "total_net": "Net amount",
        "tax": "VAT {rate} on {net}",
        "total_gross": "Total",
        "prices_gross": "All prices include VAT.",
        "paid": "This amount has already been paid. Thank you!",
        "transfer": "Please transfer {amount} to the account below, quoting invoice number {number}.",
        "refund": "The amount of {amount} will be refunded to you.",
        "page": "Page",
        "of": "of",
        "managing_directors": "Managing directors",
        "vat_id": "VAT ID",
        "tax_number": "Tax number",
        "phone": "Phone",
        "iban": "IBAN",
        "bic": "BIC",
    },
}

# What a 0 % VAT category (EN 16931 / UNTDID 5305) means, printed beside its tax line.
CATEGORY_MEANINGS: dict[str, dict[str, str]] = {
    "de": {
        "K": "steuerfreie innergemeinschaftliche Lieferung",
        "AE": "Steuerschuldnerschaft des Leistungsempfängers",
        "G": "steuerfreie Ausfuhrlieferung",
        "E": "steuerbefreit",
        "O": "nicht im Inland steuerbar",
        "Z": "Nullsatz",
    },
    "en": {
        "K": "tax-exempt intra-Community supply",
        "AE": "reverse charge",
        "G": "tax-exempt export",
        "E": "exempt",
        "O": "not subject to German VAT",
        "Z": "zero rate",
    },
}

PAYMENT_METHODS: dict[str, dict[str, str]] = {
    "de": {
        "prepayment": "Vorkasse",
        "invoice": "Kauf auf Rechnung",
        "on_account": "Kauf auf Rechnung",
        "paypal": "PayPal",
        "credit_card": "Kreditkarte",
        "card": "Kreditkarte",
        "cod": "Nachnahme",
        "sepa_direct_debit": "SEPA-Lastschrift",
        "cash_on_delivery": "Nachnahme",
    },
    "en": {
        "prepayment": "Prepayment",
        "invoice": "Invoice",
        "on_account": "On account",
        "paypal": "PayPal",
        "credit_card": "Credit card",
        "card": "Card",
        "cod": "Cash on delivery",
        "sepa_direct_debit": "SEPA direct debit",
        "cash_on_delivery": "Cash on delivery",
    },
}


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def payment_method_label(language: str, method: str) -> str:
    return PAYMENT_METHODS.get(language, PAYMENT_METHODS["en"]).get(method, method.replace("_", " ").title())


# Dunning letters (Zahlungserinnerung / Mahnung).
LABELS["de"].update({
    "dunning_letter": "Mahnung",
    "number_dunning_letter": "Mahnungsnummer",
    "issue_date_dunning_letter": "Datum",
    "dunning_title_first": "Zahlungserinnerung",
    "dunning_title_n": "{n}. Mahnung",
    "dunning_document": "Beleg",
    "dunning_invoice_row": "Rechnung {number} vom {date}",
    "dunning_due_date": "Fällig am",
    "dunning_invoice_total": "Rechnungsbetrag",
    "dunning_paid": "Bezahlt",
    "dunning_open": "Offen",
    "dunning_open_amount": "Offener Betrag",
    "dunning_fee": "Mahngebühr",
    "dunning_total": "Zu zahlender Betrag",
    "dunning_intro_first": "Sicherlich ist es Ihrer Aufmerksamkeit entgangen: Für die folgende Rechnung "
    "konnten wir bis heute keinen vollständigen Zahlungseingang feststellen.",
    "dunning_intro": "Leider konnten wir trotz unserer Erinnerung bis heute keinen vollständigen "
    "Zahlungseingang für die folgende Rechnung feststellen.",
    "dunning_pay_by": "Bitte überweisen Sie {amount} bis zum {date} unter Angabe der Rechnungsnummer "
    "{number} auf das unten genannte Konto.",
    "dunning_already_paid": "Sollten Sie die Zahlung inzwischen geleistet haben, betrachten Sie dieses "
    "Schreiben bitte als gegenstandslos.",
})
LABELS["en"].update({
    "dunning_letter": "Reminder",
    "number_dunning_letter": "Reminder number",
    "issue_date_dunning_letter": "Date",
    "dunning_title_first": "Payment reminder",
    "dunning_title_n": "Reminder no. {n}",
    "dunning_document": "Document",
    "dunning_invoice_row": "Invoice {number} of {date}",
    "dunning_due_date": "Due date",
    "dunning_invoice_total": "Invoice amount",
    "dunning_paid": "Paid",
    "dunning_open": "Open",
    "dunning_open_amount": "Amount outstanding",
    "dunning_fee": "Reminder fee",
    "dunning_total": "Amount to pay",
    "dunning_intro_first": "Perhaps it has escaped your notice: we have not yet received full payment "
    "of the following invoice.",
    "dunning_intro": "Despite our reminder, we have not yet received full payment of the following invoice.",
    "dunning_pay_by": "Please transfer {amount} by {date} to the account below, quoting invoice number {number}.",
    "dunning_already_paid": "If you have paid in the meantime, please disregard this letter.",
})


def dunning_title(language: str, level: int) -> str:
    """Level 1 is a friendly reminder; level n > 1 is the (n-1)th formal dunning notice."""
    labels = labels_for(language)
    return labels["dunning_title_first"] if level <= 1 else labels["dunning_title_n"].format(n=level - 1)
