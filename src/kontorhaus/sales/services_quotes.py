"""Quotes (Angebote): create and edit drafts, send, decline, expire, accept.

Prices: a line's unit price less the line's discount less the document's discount, in Decimal,
rounded once to unit-price places (core.money.discounted_unit_price). That discounted price is
exactly what the order line will cost, and the VAT is computed by the order's own rules
(sales.taxes: order_buyer + order_taxes), so the accepted order repeats the quote to the cent.
Quotes are net-priced by default (B2B); with prices_include_vat the gross-based strategy applies.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock, formatting, vat
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.models import NumberKind
from kontorhaus.core.money import discounted_unit_price, has_at_most_places, quantize
from kontorhaus.core.numbering import next_number
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.core.vat_rules import rate_for
from kontorhaus.customers.models import Customer
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue

from .models_quotes import Quote, QuoteLine
from .selectors_quotes import quote_lock
from .services import OrderPlacement, PlacedLine, _tax_breakdown
from .states import PaymentMethod
from .states_quotes import ACCEPTABLE, QUOTE_TRANSITIONS, QuoteStatus
from .taxes import order_buyer, order_taxes

MAX_QUANTITY = 100_000
MAX_TOTAL = Decimal("1000000000")
LANGUAGES = frozenset({"de", "en"})
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class QuoteLineData:
    article: Article
    quantity: int
    unit_price: Decimal | None = None  # None: the article's current price (net or gross per the quote)
    discount_percent: Decimal = Decimal(0)


@dataclass(frozen=True)
class QuoteData:
    """A quote's content, already resolved (customer, articles) by the caller."""

    customer: Customer
    lines: tuple[QuoteLineData, ...]
    valid_until: dt.date
    language: str = "de"
    currency: str = "EUR"
    prices_include_vat: bool = False
    discount_percent: Decimal = Decimal(0)
    payment_method: str = PaymentMethod.INVOICE
    intro: str = ""
    notes: str = ""
    billing_address: dict | None = None  # None: the customer's address
    shipping_address: dict | None = None  # None: the billing address
    customer_snapshot: dict = field(default_factory=dict)  # email, name, company, vat_id, phone


def default_valid_until() -> dt.date:
    """Today plus the QUOTE_VALIDITY_DAYS setting (30 days unless configured)."""
    return clock.today() + dt.timedelta(days=int(settings.KONTORHAUS.get("QUOTE_VALIDITY_DAYS", 30)))


def article_price(article: Article, *, prices_include_vat: bool, currency: str = "EUR") -> Decimal:
    """The article's catalogue price for a quote: gross as in the catalogue, or net of German
    VAT (the catalogue price is what a German consumer pays), rounded to cents."""
    if prices_include_vat:
        return article.price_gross
    rate = rate_for(vat_class=article.vat_class).rate
    return quantize(article.price_gross * HUNDRED / (HUNDRED + rate), currency)


def customer_address(customer: Customer) -> dict:
    return {"name": customer.name, "company": customer.company, "street": customer.street,
            "postal_code": customer.postal_code, "city": customer.city, "country": customer.country or "DE"}


def _percent(value: Decimal, name: str) -> None:
    if not value.is_finite() or not Decimal(0) <= value <= HUNDRED or not has_at_most_places(value, 2):
        raise InvalidInput("a discount is a percentage between 0 and 100 with at most two decimals",
                           details={"field": name})


def _validate(data: QuoteData) -> None:
    if not data.lines:
        raise InvalidInput("a quote needs at least one line", details={"field": "lines"})
    for index, line in enumerate(data.lines):
        if not 0 < line.quantity <= MAX_QUANTITY:
            raise InvalidInput(f"quantity must be between 1 and {MAX_QUANTITY}",
                               details={"field": f"lines.{index}.quantity"})
        if line.unit_price is not None and line.unit_price < 0:
            raise InvalidInput("price must not be negative", details={"field": f"lines.{index}.unit_price"})
        _percent(line.discount_percent, f"lines.{index}.discount_percent")
    _percent(data.discount_percent, "discount_percent")
    if data.valid_until < clock.today():
        raise InvalidInput("the validity date lies in the past", details={"field": "valid_until"})
    if data.payment_method not in PaymentMethod.values:
        raise InvalidInput("unknown payment method", details={"field": "payment_method"})
    if data.language not in LANGUAGES:
        raise InvalidInput("language must be de or en", details={"field": "language"})


def _snapshot(data: QuoteData) -> dict:
    customer, given = data.customer, data.customer_snapshot
    return {"email": given.get("email") or customer.email, "name": given.get("name") or customer.name,
            "company": given.get("company") or customer.company, "vat_id": given.get("vat_id") or customer.vat_id,
            "phone": given.get("phone") or customer.phone}


def _fill(quote: Quote, data: QuoteData) -> list[QuoteLine]:
    """Set the quote's fields from `data` and return its new lines, priced and taxed."""
    snapshot = _snapshot(data)
    billing = data.billing_address or customer_address(data.customer)
    shipping = data.shipping_address or billing
    strategy = vat.Strategy.GROSS_BASED if data.prices_include_vat else vat.Strategy.NET_BASED
    prices = [line.unit_price if line.unit_price is not None
              else article_price(line.article, prices_include_vat=data.prices_include_vat, currency=data.currency)
              for line in data.lines]
    discounted = [discounted_unit_price(price, line.discount_percent, data.discount_percent)
                  for price, line in zip(prices, data.lines, strict=True)]
    buyer = order_buyer(billing_address=billing, shipping_address=shipping, vat_id=snapshot["vat_id"])
    taxes = order_taxes(lines=[(line.article, Decimal(line.quantity), price)
                               for line, price in zip(data.lines, discounted, strict=True)],
                        shipping_price=None, buyer=buyer, strategy=strategy, currency=data.currency)
    amounts = taxes.amounts
    if amounts.total_gross >= MAX_TOTAL:
        raise InvalidInput("the quote total is implausibly large", details={"field": "lines"})
    quote.customer = data.customer
    quote.customer_email, quote.customer_name = snapshot["email"], snapshot["name"]
    quote.customer_company, quote.customer_phone = snapshot["company"], snapshot["phone"]
    quote.customer_vat_id = taxes.buyer_vat_id
    quote.billing_address, quote.shipping_address = billing, shipping
    quote.valid_until, quote.language, quote.currency = data.valid_until, data.language, data.currency
    quote.prices_include_vat, quote.payment_method = data.prices_include_vat, data.payment_method
    quote.discount_percent, quote.intro, quote.notes = data.discount_percent, data.intro, data.notes
    quote.tax_strategy, quote.vat_case = strategy, taxes.case
    quote.total_net, quote.total_vat, quote.total_gross = amounts.total_net, amounts.total_tax, amounts.total_gross
    quote.tax_breakdown = _tax_breakdown(amounts)
    return [
        QuoteLine(quote=quote, position=position, article=line.article, sku=line.article.sku,
                  name=line.article.name, quantity=line.quantity, unit_price=price,
                  discount_percent=line.discount_percent, discounted_unit_price=taxable.unit_price,
                  tax_rate=taxable.tax.rate, tax_category=taxable.tax.category,
                  net=amount.net, tax=amount.tax, gross=amount.gross)
        for position, (line, price, taxable, amount)
        in enumerate(zip(data.lines, prices, taxes.taxable, amounts.lines, strict=True), start=1)
    ]


@operation
def quote_create(*, data: QuoteData, actor: Actor) -> Quote:
    _validate(data)
    quote = Quote(created_by=str(actor))
    lines = _fill(quote, data)
    quote.number = next_number(kind=NumberKind.QUOTE, on=clock.today())  # last: the counter row is hot
    quote.save(force_insert=True)
    QuoteLine.objects.bulk_create(lines)
    record(action=AuditAction.SALES_QUOTE_CREATED, obj=quote, actor=actor,
           data={"customer": quote.customer.number, "total_gross": str(quote.total_gross)})
    return quote


@operation
def quote_update(*, quote: Quote, data: QuoteData, actor: Actor) -> Quote:
    """Replace a draft's content. Sent and final quotes are refused: what the customer has
    seen stays as it was (make a new quote instead)."""
    quote = quote_lock(quote=quote)
    if quote.status != QuoteStatus.DRAFT:
        raise InvalidTransition(f"quote {quote.number} is {quote.status}; only drafts can be edited",
                                code="quote_not_editable", details={"status": quote.status})
    _validate(data)
    lines = _fill(quote, data)
    quote.updated_at = clock.now()
    quote.save()
    QuoteLine.objects.filter(quote=quote).delete()
    QuoteLine.objects.bulk_create(lines)
    record(action=AuditAction.SALES_QUOTE_UPDATED, obj=quote, actor=actor,
           data={"total_gross": str(quote.total_gross), "lines": len(lines)})
    return quote


def _refuse_if_past_validity(quote: Quote, doing: str) -> None:
    if quote.valid_until < clock.today():
        raise InvalidTransition(
            f"quote {quote.number} expired on {quote.valid_until.isoformat()} and cannot be {doing}; "
            "extend the validity of a draft or make a new quote",
            code="quote_expired", details={"valid_until": quote.valid_until.isoformat()},
        )


def quote_email_context(quote: Quote) -> dict:
    return {
        "shop_name": company_profile_name(), "customer_name": quote.customer_name, "quote_number": quote.number,
        "total": formatting.money(quote.total_gross, quote.currency, quote.language),
        "valid_until": formatting.date(quote.valid_until, quote.language),
    }


@operation
def quote_send(*, quote: Quote, actor: Actor) -> Quote:
    """Mark the draft sent and queue the e-mail with the quote PDF attached. The worker renders
    the PDF when it sends the e-mail and stores it: from here on the quote cannot change, so the
    stored PDF is the one the customer got. Sending a sent quote again is a no-op."""
    quote = quote_lock(quote=quote)
    if quote.status == QuoteStatus.SENT:
        return quote
    if quote.status == QuoteStatus.DRAFT:
        _refuse_if_past_validity(quote, "sent")
    fields = transition(quote, to=QuoteStatus.SENT, table=QUOTE_TRANSITIONS, action=AuditAction.SALES_QUOTE_SENT,
                        actor=actor, data={"to_email": quote.customer_email})
    quote.save(update_fields=fields)
    email_enqueue(template=EmailTemplate.QUOTE, to=quote.customer_email, language=quote.language,
                  context=quote_email_context(quote), attachments=[{"kind": "quote", "number": quote.number}],
                  related_type="sales.quote", related_ref=quote.number)
    return quote


@operation
def quote_decline(*, quote: Quote, actor: Actor, reason: str = "") -> Quote:
    """The customer said no. Declining a declined quote is a no-op."""
    quote = quote_lock(quote=quote)
    fields = transition(quote, to=QuoteStatus.DECLINED, table=QUOTE_TRANSITIONS,
                        action=AuditAction.SALES_QUOTE_DECLINED, actor=actor, data={"reason": reason})
    if fields:
        quote.save(update_fields=fields)
    return quote


@operation
def quote_expire(*, quote: Quote, actor: Actor) -> Quote:
    quote = quote_lock(quote=quote)
    fields = transition(quote, to=QuoteStatus.EXPIRED, table=QUOTE_TRANSITIONS,
                        action=AuditAction.SALES_QUOTE_EXPIRED, actor=actor,
                        data={"valid_until": quote.valid_until.isoformat()})
    if fields:
        quote.save(update_fields=fields)
    return quote


@operation
def quotes_expire_due(*, actor: Actor) -> int:
    """Move every draft or sent quote past its validity date to "expired"; returns how many."""
    due = Quote.objects.filter(status__in=ACCEPTABLE, valid_until__lt=clock.today()).order_by("pk")
    for quote in due:
        quote_expire(quote=quote, actor=actor)
    return len(due)


def quote_check_acceptable(quote: Quote) -> None:
    """May this quote become an order now? Drafts (the operator accepts on the customer's word)
    and sent quotes may, within their validity; declined, expired and accepted ones may not."""
    if quote.status not in ACCEPTABLE:
        raise InvalidTransition(f"quote {quote.number} is {quote.status} and cannot be accepted",
                                code="quote_not_acceptable", details={"status": quote.status})
    _refuse_if_past_validity(quote, "accepted")


def quote_order_placement(quote: Quote) -> OrderPlacement:
    """The order a quote becomes: its discounted prices, currency and price basis, and its
    number as the external id (channel "quote"), so a quote can never give two orders."""
    return OrderPlacement(
        channel="quote", external_id=quote.number, placed_at=clock.now(), currency=quote.currency,
        prices_include_vat=quote.prices_include_vat, customer=quote.customer,
        billing_address=quote.billing_address, shipping_address=quote.shipping_address,
        lines=tuple(PlacedLine(line.article, line.quantity, line.discounted_unit_price)
                    for line in quote.lines.select_related("article")),
        payment_method=quote.payment_method, language=quote.language,
        customer_snapshot={"email": quote.customer_email, "name": quote.customer_name,
                           "company": quote.customer_company, "vat_id": quote.customer_vat_id,
                           "phone": quote.customer_phone},
    )


@operation
def quote_mark_accepted(*, quote: Quote, order_number: str, actor: Actor) -> Quote:
    """Record that the quote became the order `order_number` (placed by the caller's flow)."""
    quote = quote_lock(quote=quote)
    if quote.status == QuoteStatus.ACCEPTED:
        return quote
    quote_check_acceptable(quote)
    fields = transition(quote, to=QuoteStatus.ACCEPTED, table=QUOTE_TRANSITIONS,
                        action=AuditAction.SALES_QUOTE_ACCEPTED, actor=actor, order_number=order_number,
                        data={"order_number": order_number})
    quote.order_number = order_number
    quote.save(update_fields=[*fields, "order_number"])
    return quote
