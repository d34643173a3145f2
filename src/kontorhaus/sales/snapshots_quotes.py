"""The quote as the documents app prints it: a plain dict, registered as the "quote" source.

documents.services.document_render stores a PDF once per (kind, number) and never renders it
again. A draft still changes, so the registered source refuses drafts (NotFound): a draft's PDF
is a preview rendered on demand from `quote_snapshot` and never stored. From "sent" on a quote
cannot change any more, and the PDF the worker stores with the e-mail is the one the customer got.
"""

from typing import Any

from django.forms.models import model_to_dict

from kontorhaus.core import clock
from kontorhaus.core.exceptions import NotFound
from kontorhaus.core.models import CompanyProfile
from kontorhaus.core.vat_rules import notes_for
from kontorhaus.documents.rendering import render_pdf
from kontorhaus.documents.services import document_render

from .models_quotes import Quote
from .selectors_quotes import quote_get
from .states_quotes import QuoteStatus

_SELLER_SKIP = frozenset({"id", "logo"})


def _seller() -> dict[str, Any]:
    profile = CompanyProfile.objects.first() or CompanyProfile()
    return {k: v for k, v in model_to_dict(profile).items() if k not in _SELLER_SKIP}


def quote_snapshot(quote: Quote) -> dict[str, Any]:
    lines = list(quote.lines.all())
    issued = clock.local_date(quote.sent_at or quote.created_at)
    buyer = {**quote.billing_address, "email": quote.customer_email, "vat_id": quote.customer_vat_id,
             "company": quote.billing_address.get("company") or quote.customer_company}
    return {
        "kind": "quote", "number": quote.number, "status": quote.status, "language": quote.language,
        "currency": quote.currency, "issue_date": issued.isoformat(), "valid_until": quote.valid_until.isoformat(),
        "seller": _seller(), "buyer": buyer,
        "shipping_address": quote.shipping_address if quote.shipping_address != quote.billing_address else None,
        "customer_number": quote.customer.number, "prices_include_vat": quote.prices_include_vat,
        "discount_percent": str(quote.discount_percent), "intro": quote.intro, "notes_text": quote.notes,
        "payment_method": quote.payment_method,
        "lines": [
            {"position": line.position, "sku": line.sku, "name": line.name, "quantity": str(line.quantity),
             "unit_price": str(line.unit_price), "discount_percent": str(line.discount_percent),
             "discounted_unit_price": str(line.discounted_unit_price), "tax_rate": str(line.tax_rate),
             "tax_category": line.tax_category, "net": str(line.net), "tax": str(line.tax),
             "gross": str(line.gross)}
            for line in lines
        ],
        "tax_buckets": quote.tax_breakdown,
        "total_net": str(quote.total_net), "total_vat": str(quote.total_vat), "total_gross": str(quote.total_gross),
        "notes": notes_for([line.tax_category for line in lines], language=quote.language),
    }


def quote_document_source(number: str) -> dict[str, Any]:
    """The registered "quote" source: only quotes that can no longer change are stored."""
    quote = quote_get(number=number)
    if quote.status == QuoteStatus.DRAFT:
        raise NotFound(f"quote {number} is a draft; its PDF is only previewed, never stored",
                       details={"number": number, "status": quote.status})
    return quote_snapshot(quote)


def quote_pdf(quote: Quote) -> bytes:
    """The quote as PDF: a draft rendered afresh as a preview (not stored: it may still change),
    any other quote the stored PDF, which is the one e-mailed to the customer."""
    if quote.status == QuoteStatus.DRAFT:
        return render_pdf(quote_snapshot(quote))
    return bytes(document_render(kind="quote", number=quote.number).pdf)
