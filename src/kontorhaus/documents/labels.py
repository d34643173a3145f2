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

PAYMENT_METHODS: dict[str, dict[str, str]] = {
    "de": {
        "prepayment": "Vorkasse",
        "invoice": "Kauf auf Rechnung",
        "on_account": "Kauf auf Rechnung",
        "paypal": "PayPal",
        "credit_card": "Kreditkarte",
        "sepa_direct_debit": "SEPA-Lastschrift",
        "cash_on_delivery": "Nachnahme",
    },
    "en": {
        "prepayment": "Prepayment",
        "invoice": "Invoice",
        "on_account": "On account",
        "paypal": "PayPal",
        "credit_card": "Credit card",
        "sepa_direct_debit": "SEPA direct debit",
        "cash_on_delivery": "Cash on delivery",
    },
}


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def payment_method_label(language: str, method: str) -> str:
    return PAYMENT_METHODS.get(language, PAYMENT_METHODS["en"]).get(method, method.replace("_", " ").title())
