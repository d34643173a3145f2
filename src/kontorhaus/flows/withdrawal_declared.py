"""Withdrawal declared: the customer withdraws from the contract (portal button, e-mail, phone,
letter, or the shop relaying it).

One transaction: the withdrawal is recorded with the time it reached us, and the confirmation of
receipt (§ 356a BGB: without delay, on a durable medium — an e-mail with the declaration's content
and the time of receipt) is queued in the outbox with it, so it cannot be lost nor sent twice.
The order's timeline shows the withdrawal and the e-mail. The same declaration sent again (a
double click, a retried API call) is the same withdrawal and is confirmed once.
"""

from kontorhaus.core import formatting
from kontorhaus.core.audit import Actor
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.core.transactions import flow
from kontorhaus.documents.portal_links import RETURNS, portal_link
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.rendering import email_language
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.returns.models import Withdrawal
from kontorhaus.returns.services import WithdrawalDeclaration, withdrawal_record
from kontorhaus.returns.states import Channel
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_lock

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
    }


@flow
def withdrawal_declare(*, order: SalesOrder, declaration: WithdrawalDeclaration,
                       actor: Actor) -> tuple[Withdrawal, bool]:
    """The withdrawal and whether it is new (a repeated declaration is not confirmed again)."""
    order = order_lock(order=order)  # one declaration at a time per order: a double click is one withdrawal
    withdrawal, created = withdrawal_record(order=order, declaration=declaration, actor=actor)
    if created:
        language = email_language(order.language)
        email_enqueue(template=EmailTemplate.WITHDRAWAL_CONFIRMATION, to=withdrawal.customer_email,
                      language=language, context=_confirmation_context(withdrawal, order, language),
                      related_type="withdrawal", related_ref=str(withdrawal.reference), order_number=order.number)
    return withdrawal, created
