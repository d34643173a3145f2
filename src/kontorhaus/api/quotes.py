"""Quotes: create, read, accept (the order comes from the quote)."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from kontorhaus.flows.quote_accept import quote_accept
from kontorhaus.flows.quote_intake import QuoteIntake, QuoteIntakeLine, quote_intake
from kontorhaus.sales.models import Quote
from kontorhaus.sales.selectors_quotes import quote_get
from kontorhaus.sales.services_quotes import default_valid_until
from kontorhaus.sales.snapshots_quotes import quote_pdf

from .orders import actor_of
from .presenters import order_out
from .schemas_quotes import QuoteAcceptOut, QuoteIn, QuoteOut

router = Router(tags=["quotes"])


@router.post("/quotes", response={201: QuoteOut})
def quote_create_endpoint(request: HttpRequest, body: QuoteIn):
    """A draft quote; the customer is created or updated by e-mail as with orders."""
    quote = quote_intake(intake=_intake(body), actor=actor_of(request))
    return Status(201, quote_out(quote))


@router.get("/quotes/{number}", response=QuoteOut)
def quote_detail(request: HttpRequest, number: str):
    return quote_out(quote_get(number=number))


@router.get("/quotes/{number}/pdf", url_name="quote_pdf", response={200: None})
def quote_pdf_endpoint(request: HttpRequest, number: str):
    """A draft is rendered as a preview each time; a sent quote is the stored PDF the customer got."""
    response = HttpResponse(quote_pdf(quote_get(number=number)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@router.post("/quotes/{number}/accept", response={200: QuoteAcceptOut, 201: QuoteAcceptOut})
def quote_accept_endpoint(request: HttpRequest, number: str):
    """Turn the quote into an order: 201 the first time, 200 with the same order after that."""
    result = quote_accept(quote=quote_get(number=number), actor=actor_of(request))
    return Status(201 if result.created else 200, {
        "quote_number": result.quote.number, "order_number": result.order.number, "created": result.created,
        "order": order_out(result.order, new_invoice=result.invoice),
    })


def _intake(body: QuoteIn) -> QuoteIntake:
    def address(value) -> dict:
        return {k: (v or "") for k, v in value.model_dump().items()}

    return QuoteIntake(
        customer=body.customer.model_dump(), billing_address=address(body.billing_address),
        shipping_address=address(body.shipping_address) if body.shipping_address else None,
        lines=tuple(QuoteIntakeLine(line.sku, line.quantity, Decimal(line.unit_price) if line.unit_price else None,
                                    Decimal(line.discount_percent)) for line in body.lines),
        valid_until=body.valid_until or default_valid_until(), language=body.language, currency=body.currency,
        prices_include_vat=body.prices_include_vat, discount_percent=Decimal(body.discount_percent),
        payment_method=body.payment_method, intro=body.intro, notes=body.notes,
    )


def quote_out(quote: Quote) -> dict:
    return {
        "number": quote.number, "status": quote.status, "valid_until": quote.valid_until,
        "created_at": quote.created_at,
        "customer": {"number": quote.customer.number, "email": quote.customer_email, "name": quote.customer_name,
                     "company": quote.customer_company, "vat_id": quote.customer_vat_id},
        "billing_address": quote.billing_address, "shipping_address": quote.shipping_address,
        "language": quote.language, "currency": quote.currency, "prices_include_vat": quote.prices_include_vat,
        "discount_percent": quote.discount_percent, "payment_method": quote.payment_method,
        "vat_case": quote.vat_case,
        "lines": [
            {"position": line.position, "sku": line.sku, "name": line.name, "quantity": line.quantity,
             "unit_price": line.unit_price, "discount_percent": line.discount_percent,
             "discounted_unit_price": line.discounted_unit_price, "tax_rate": line.tax_rate,
             "tax_category": line.tax_category, "net": line.net, "tax": line.tax, "gross": line.gross}
            for line in quote.lines.all()
        ],
        "total_net": quote.total_net, "total_vat": quote.total_vat, "total_gross": quote.total_gross,
        "vat_breakdown": quote.tax_breakdown, "order_number": quote.order_number or None,
        "pdf_url": reverse("api:quote_pdf", kwargs={"number": quote.number}),
    }
