"""Invoices and credit notes as DATEV bookings: one booking per document and VAT bucket, the
gross against the debtor (invoice: S, credit note: H) and the bucket's revenue account.
Reads the issued documents only; writes nothing."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.core.exceptions import InvalidInput

from ..models import CreditNote, Invoice
from .accounts import DatevConfig, case_of_bucket, debtor_account, revenue_account
from .writer import Booking

# The EU-Land field takes VAT-id prefixes: Greece is EL there.
_EU_LAND = {"GR": "EL"}
EU_ID_CASES = frozenset({"intra_community", "reverse_charge"})


@dataclass(frozen=True)
class _Document:
    number: str
    issue_date: dt.date
    invoice: Invoice  # the invoice itself, or the one a credit note corrects
    tax_breakdown: Sequence[Mapping]
    currency: str
    credit: bool
    text: str


def _buyer_name(invoice: Invoice) -> str:
    buyer = invoice.buyer or {}
    return buyer.get("company") or buyer.get("name") or ""


def _bucket_booking(doc: _Document, bucket: Mapping, config: DatevConfig) -> Booking | None:
    gross = Decimal(str(bucket["gross"]))
    if gross == 0:
        return None  # DATEV refuses amounts of zero (a free shipping bucket, say)
    case = case_of_bucket(bucket)
    credit = doc.credit != (gross < 0)  # a negative bucket goes the other way
    eu_id, eu_rate, origin = "", None, ""
    if case == "oss":
        country = bucket.get("country") or ""
        eu_id, eu_rate = _EU_LAND.get(country, country), Decimal(str(bucket["rate"]))
        origin = (doc.invoice.seller or {}).get("vat_id") or ""
    elif case in EU_ID_CASES:
        eu_id = (doc.invoice.buyer or {}).get("vat_id") or ""
    return Booking(
        amount=abs(gross), debit_credit="H" if credit else "S",
        account=debtor_account(config, doc.invoice.customer_number),
        contra_account=revenue_account(config, case), bu_key=config.bu_keys.get(case, ""),
        document_date=doc.issue_date, document_number=doc.number, text=doc.text, currency=doc.currency,
        eu_id=eu_id, eu_rate=eu_rate, origin_id=origin, service_date=doc.invoice.delivery_date,
    )


def _bookings(doc: _Document, config: DatevConfig) -> list[Booking]:
    if doc.currency != "EUR":
        raise InvalidInput(f"{doc.number} is in {doc.currency}: the DATEV export takes EUR documents only "
                           "(no exchange rate is stored for the Kurs column)", details={"field": "currency"})
    try:
        bookings = [_bucket_booking(doc, bucket, config) for bucket in doc.tax_breakdown]
    except InvalidInput as exc:
        raise InvalidInput(f"{doc.number}: {exc.message}", details=exc.details)
    return [b for b in bookings if b is not None]


def invoice_bookings(invoice: Invoice, config: DatevConfig) -> list[Booking]:
    doc = _Document(number=invoice.number, issue_date=invoice.issue_date, invoice=invoice,
                    tax_breakdown=invoice.tax_breakdown or [], currency=invoice.currency, credit=False,
                    text=f"{invoice.number} {_buyer_name(invoice)}")
    return _bookings(doc, config)


def credit_note_bookings(note: CreditNote, config: DatevConfig) -> list[Booking]:
    invoice = note.invoice
    doc = _Document(number=note.number, issue_date=note.issue_date, invoice=invoice,
                    tax_breakdown=note.tax_breakdown or [], currency=note.currency, credit=True,
                    text=f"{note.number} zu {invoice.number} {_buyer_name(invoice)}")
    return _bookings(doc, config)
