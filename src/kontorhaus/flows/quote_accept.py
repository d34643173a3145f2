"""Quote accepted: the quote becomes an order, in one transaction.

Reading order: lock the quote -> already accepted? then its order is the answer (idempotent)
-> may it be accepted (draft or sent, within its validity)? -> place the order with the
quote's discounted prices, currency and price basis (channel "quote", external id = quote
number: the unique (channel, external_id) makes a second order impossible even if two
accepts race) -> what follows every new order (invoice at order, confirmation e-mail:
flows.order_placed) -> mark the quote accepted with the order number.
"""

from dataclasses import dataclass

from django.db import IntegrityError

from kontorhaus.billing.models import Invoice
from kontorhaus.core.audit import Actor
from kontorhaus.core.transactions import flow
from kontorhaus.sales.models import Quote, SalesOrder
from kontorhaus.sales.selectors import order_find_for_intake, order_get
from kontorhaus.sales.selectors_quotes import quote_get, quote_lock
from kontorhaus.sales.services import order_place
from kontorhaus.sales.services_quotes import quote_check_acceptable, quote_mark_accepted, quote_order_placement
from kontorhaus.sales.states_quotes import QuoteStatus

from .order_placed import order_placed_followups

CHANNEL = "quote"


@dataclass(frozen=True)
class QuoteAcceptance:
    quote: Quote
    order: SalesOrder
    created: bool  # False: the quote had been accepted before; `order` is that order
    invoice: Invoice | None = None  # the invoice issued with the new order (None on a repeat)


def quote_accept(*, quote: Quote, actor: Actor) -> QuoteAcceptance:
    """Accept the quote and return its order. Accepting an accepted quote returns the same
    order with created=False; declined, expired or out-of-date quotes raise InvalidTransition."""
    try:
        return _accept(quote=quote, actor=actor)
    except IntegrityError:
        # A concurrent accept committed the order first (unique channel + external id).
        quote = quote_get(number=quote.number)
        if quote.status != QuoteStatus.ACCEPTED:
            raise
        return QuoteAcceptance(quote=quote, order=order_get(number=quote.order_number), created=False)


@flow
def _accept(*, quote: Quote, actor: Actor) -> QuoteAcceptance:
    quote = quote_lock(quote=quote)
    if quote.status == QuoteStatus.ACCEPTED:
        return QuoteAcceptance(quote=quote, order=order_get(number=quote.order_number), created=False)
    quote_check_acceptable(quote)
    order, _ = order_find_for_intake(client="", key="", channel=CHANNEL, external_id=quote.number)
    invoice, created = None, order is None  # an order without the quote marked: a lost update, healed here
    if order is None:
        order = order_place(placement=quote_order_placement(quote), actor=actor)
        invoice = order_placed_followups(order=order, paid=False, actor=actor)
    quote = quote_mark_accepted(quote=quote, order_number=order.number, actor=actor)
    return QuoteAcceptance(quote=quote, order=order, created=created, invoice=invoice)
