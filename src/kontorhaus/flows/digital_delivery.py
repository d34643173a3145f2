"""Digital delivery: right after payment the customer gets one e-mail with a personal download
link per digital line (expiring, limited) and the licence keys from the article's pool; the
digital lines count as delivered — in the caller's transaction (order intake, payment
received), or in one of its own when a person retries a parked delivery.

Reading order: only a paid (nothing due: `balance_due <= 0`, so a partial refund does not
undo it), open order with digital lines not yet delivered goes on -> licence
keys are assigned first (an empty pool parks the whole delivery with its reason, nothing else
changes) -> a download grant per line -> the lines are marked delivered (the order's fulfillment
state follows) -> one e-mail -> the delivery is recorded. Running it again finds nothing left
to deliver and does nothing.

Bank lines reach this only when matched with confidence: `bank_statement_import` books no
others, so no download leaves on a guess.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from kontorhaus.catalog.models import ArticleKind
from kontorhaus.core import clock, formatting
from kontorhaus.core.audit import Actor
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.core.transactions import flow
from kontorhaus.fulfillment.models import DigitalDelivery, DigitalDeliveryStatus, LicenceKey
from kontorhaus.fulfillment.selectors import licence_key_pool_articles
from kontorhaus.fulfillment.services import (
    IssuedGrant,
    LicencePoolEmpty,
    digital_delivery_mark,
    download_grant_issue,
    licence_keys_assign,
)
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.selectors import order_lock
from kontorhaus.sales.services import order_lines_delivered
from kontorhaus.sales.states import SalesOrderStatus


def _undelivered_digital_lines(order: SalesOrder) -> list[SalesOrderLine]:
    return [line for line in order.lines.all()
            if line.article_kind == ArticleKind.DIGITAL and line.delivered_quantity < line.quantity]


def digital_delivery_if_paid(*, order: SalesOrder, actor: Actor) -> DigitalDelivery | None:
    """Deliver the order's digital lines if it is paid and they are not delivered yet. Returns
    the delivery record (delivered or parked), or None when there was nothing to do. Costs no
    query for an order without digital lines whose lines are already loaded (order intake)."""
    if not _undelivered_digital_lines(order):
        return None
    return _deliver(order=order, actor=actor)


@flow
def _deliver(*, order: SalesOrder, actor: Actor) -> DigitalDelivery | None:
    # Decided on the locked row: a payment booked twice at once (webhook and bank) delivers once.
    order = order_lock(order=order)
    if order.status != SalesOrderStatus.OPEN or order.balance_due > 0:  # settled: nothing due
        return None
    lines = _undelivered_digital_lines(order)
    if not lines:
        return None
    try:
        with transaction.atomic():  # all keys or none: a parked delivery holds no keys
            keys = _assign_keys(order, lines)
    except LicencePoolEmpty as error:
        return digital_delivery_mark(order_number=order.number, status=DigitalDeliveryStatus.PARKED,
                                     reason=error.message, actor=actor, data=error.details)
    grants = {line.position: download_grant_issue(order_number=order.number, line_position=line.position,
                                                  article=line.article) for line in lines}
    order_lines_delivered(order=order, positions=[line.position for line in lines], actor=actor)
    email_enqueue(
        template=EmailTemplate.DIGITAL_DELIVERY, to=order.customer_email, language=order.language,
        context=_email_context(order, lines, grants, keys),
        related_type="sales.salesorder", related_ref=order.number, order_number=order.number,
    )
    return digital_delivery_mark(
        order_number=order.number, status=DigitalDeliveryStatus.DELIVERED, actor=actor,
        data={"positions": [line.position for line in lines], "licence_keys": sum(len(k) for k in keys.values())},
    )


def _assign_keys(order: SalesOrder, lines: list[SalesOrderLine]) -> dict[int, list[LicenceKey]]:
    pooled = licence_key_pool_articles(articles=[line.article for line in lines])
    return {
        line.position: licence_keys_assign(article=line.article, order_number=order.number,
                                           line_position=line.position, quantity=line.quantity)
        for line in lines if line.article_id in pooled
    }


def download_url(token: str) -> str:
    return settings.KONTORHAUS["PUBLIC_URL"] + reverse("web:portal_download", kwargs={"token": token})


def _email_context(order: SalesOrder, lines: list[SalesOrderLine], grants: dict[int, IssuedGrant],
                   keys: dict[int, list[LicenceKey]]) -> dict:
    first = next(iter(grants.values())).grant
    return {
        "shop_name": company_profile_name(),
        "order_number": order.number,
        "customer_name": order.customer_name,
        "items": [
            {"name": line.name, "quantity": line.quantity, "url": download_url(grants[line.position].token),
             "keys": [k.key for k in keys.get(line.position, [])]}
            for line in lines
        ],
        "expires_on": formatting.date(clock.local_date(first.expires_at), order.language),
        "download_limit": first.max_downloads,
    }
