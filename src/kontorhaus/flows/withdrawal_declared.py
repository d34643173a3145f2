"""Withdrawal declared: the customer withdraws from the contract (portal button, e-mail, phone,
letter, or the shop relaying it).

One transaction: the withdrawal is recorded with the time it reached us, and the confirmation of
receipt (§ 356a BGB: without delay, on a durable medium — an e-mail with the declaration's content
and the time of receipt) is queued in the outbox with it, so it cannot be lost nor sent twice.
The order's timeline shows the withdrawal and the e-mail. The same declaration sent again (a
double click, a retried API call) is the same withdrawal and is confirmed once. The confirmation
goes to the order's e-mail address (and also to a different one the customer typed): a typed
address alone could be anybody's. A withdrawal after the 14-day period is recorded as late and
confirmed as received all the same; the shop decides, and no refund deadline starts by itself.
"""

import datetime as dt
from dataclasses import replace

from django.conf import settings

from kontorhaus.catalog.models import ArticleKind
from kontorhaus.core import clock, formatting
from kontorhaus.core.audit import Actor
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.core.transactions import flow
from kontorhaus.documents.portal_links import RETURNS, portal_link
from kontorhaus.fulfillment.selectors_picking import shipment_list_for_order
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.rendering import email_language
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.returns.models import Withdrawal
from kontorhaus.returns.services import WithdrawalDeclaration, withdrawal_record
from kontorhaus.returns.states import Channel
from kontorhaus.sales.models import LineKind, SalesOrder
from kontorhaus.sales.selectors import order_lock

HANDOVER_MARGIN_DAYS = 3  # without a delivery date: handed to the carrier + this, the latest it arrives

CHANNEL_WORDS = {
    "de": {Channel.PORTAL: "Online-Widerrufsfunktion", Channel.EMAIL: "E-Mail", Channel.PHONE: "Telefon",
           Channel.LETTER: "Brief", Channel.API: "Shop"},
    "en": {Channel.PORTAL: "online withdrawal function", Channel.EMAIL: "e-mail", Channel.PHONE: "phone",
           Channel.LETTER: "letter", Channel.API: "shop"},
}


def _confirmation_context(withdrawal: Withdrawal, order: SalesOrder, language: str) -> dict:
    return {
        "customer_name": withdrawal.customer_name, "order_number": order.number,
        "declared_at": formatting.datetime(withdrawal.declared_at, language),
        "items": withdrawal.items, "statement": withdrawal.statement,
        "channel": CHANNEL_WORDS.get(language, CHANNEL_WORDS["en"]).get(withdrawal.channel, withdrawal.channel),
        "portal_url": portal_link(RETURNS, order_number=order.number), "shop_name": company_profile_name(),
        "return_days": settings.KONTORHAUS["RETURN_PERIOD_DAYS"],  # the shop's period for sending the goods back
    }


def goods_received_on(order: SalesOrder) -> dt.date | None:
    """When the (last) goods reached the customer, for the withdrawal period: the carrier's
    delivery date, or without one the handover plus HANDOVER_MARGIN_DAYS (the latest a parcel
    takes; in the customer's favour). None while not every physical unit has been shipped: the
    period starts with the last goods (§ 356 Abs. 2 Nr. 1 b BGB)."""
    physical = [line for line in order.lines.filter(kind=LineKind.ARTICLE) if line.article_kind == ArticleKind.PHYSICAL]
    if not physical or any(line.shipped_quantity < line.quantity for line in physical):
        return None
    days = [clock.local_date(s.delivered_at) if s.delivered_at else
            clock.local_date(s.shipped_at) + dt.timedelta(days=HANDOVER_MARGIN_DAYS)
            for s in shipment_list_for_order(order_number=order.number) if s.shipped_at or s.delivered_at]
    return max(days) if days else None


def _recipients(withdrawal: Withdrawal, order: SalesOrder) -> list[str]:
    """The order's address always (a typed address may be anybody's), and the typed one too."""
    recipients = [order.customer_email] if order.customer_email else []
    if withdrawal.customer_email and withdrawal.customer_email.lower() not in {r.lower() for r in recipients}:
        recipients.append(withdrawal.customer_email)
    return recipients


@flow
def withdrawal_declare(*, order: SalesOrder, declaration: WithdrawalDeclaration,
                       actor: Actor) -> tuple[Withdrawal, bool]:
    """The withdrawal and whether it is new (a repeated declaration is not confirmed again)."""
    order = order_lock(order=order)  # one declaration at a time per order: a double click is one withdrawal
    if declaration.goods_received_on is None:
        declaration = replace(declaration, goods_received_on=goods_received_on(order))
    withdrawal, created = withdrawal_record(order=order, declaration=declaration, actor=actor)
    if created:
        language = email_language(order.language)
        for to in _recipients(withdrawal, order):
            email_enqueue(template=EmailTemplate.WITHDRAWAL_CONFIRMATION, to=to, language=language,
                          context=_confirmation_context(withdrawal, order, language), related_type="withdrawal",
                          related_ref=str(withdrawal.reference), order_number=order.number)
    return withdrawal, created
