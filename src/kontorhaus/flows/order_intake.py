"""Order in: a shop's order is stored once, its stock reserved, the invoice issued and the
confirmation e-mail with the invoice queued — all in one transaction, so a crash leaves
either all of it or nothing.

Reading order: resolve articles and customer -> place the order (reserves stock) -> remember
the idempotency key -> issue the invoice (its gapless number locks the counter until commit, so
it comes as late as it can) -> record a payment made in the shop -> queue the confirmation
e-mail with the invoice attached (the worker renders the PDF when it sends it) -> an order paid
in the shop gets its digital goods at once (download e-mail).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from kontorhaus.billing.models import Invoice
from kontorhaus.catalog.selectors import articles_by_sku
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, IdempotencyConflict, InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.core.vat_rules import normalise_vat_id
from kontorhaus.customers.services import CustomerData, customer_upsert
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_find_for_intake
from kontorhaus.sales.services import OrderPlacement, PlacedLine, order_intake_remember, order_place

from .order_placed import order_placed_followups


@dataclass(frozen=True)
class IntakeLine:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class OrderIntake:
    """An order as a shop sends it (already shape-checked by the edge)."""

    channel: str
    external_id: str
    placed_at: dt.datetime
    currency: str
    prices_include_vat: bool
    customer: dict  # email, name, company, vat_id, phone
    billing_address: dict  # name, company, street, postal_code, city, country
    shipping_address: dict | None
    lines: tuple[IntakeLine, ...]
    payment_method: str
    paid: bool = False
    shipping_method: str = ""
    shipping_price: Decimal = Decimal("0.00")
    require_stock: bool = False
    language: str = "de"
    partial_delivery: str = ""  # "ship_available" or "wait"; "" = the shop's default


@dataclass(frozen=True)
class IdempotencyKey:
    client: str
    key: str
    request_hash: str


@dataclass(frozen=True)
class IntakeResult:
    order: SalesOrder
    created: bool
    invoice: Invoice | None = None  # the invoice issued by this intake (None on a repeat)


def order_intake(*, intake: OrderIntake, actor: Actor, idempotency: IdempotencyKey | None = None) -> IntakeResult:
    """Store the order once. A repeated request (same idempotency key, or same channel and
    external id) returns the stored order with created=False; the same key with a different
    body raises IdempotencyConflict."""
    existing = _existing(intake, idempotency)
    if existing is not None:
        return existing
    try:
        return _intake(intake=intake, actor=actor, idempotency=idempotency)
    except (IntegrityError, DomainError):
        # A concurrent request for the same order (a retry while the first attempt was still
        # running) committed first: its insert wins the unique constraint, or it took the
        # stock this attempt then found missing. Either way the answer is that order.
        existing = _existing(intake, idempotency)
        if existing is None:
            raise
        return existing


def _existing(intake: OrderIntake, idempotency: IdempotencyKey | None) -> IntakeResult | None:
    order, stored_hash = order_find_for_intake(
        client=idempotency.client if idempotency else "", key=idempotency.key if idempotency else "",
        channel=intake.channel, external_id=intake.external_id,
    )
    if order is None:
        return None
    if idempotency and stored_hash and stored_hash != idempotency.request_hash:
        raise IdempotencyConflict(
            "this Idempotency-Key was used with a different request body",
            details={"order": order.number},
        )
    if idempotency and not stored_hash:
        # Found by (channel, external_id): bind the key to this body now, so that the same key
        # with another body is refused later instead of creating an order.
        _remember(order, idempotency)
    return IntakeResult(order=order, created=False)


def _remember(order: SalesOrder, idempotency: IdempotencyKey) -> None:
    try:
        with transaction.atomic():
            order_intake_remember(order=order, client=idempotency.client, key=idempotency.key,
                                  request_hash=idempotency.request_hash)
    except IntegrityError:
        pass  # remembered by a concurrent retry


@flow
def _intake(*, intake: OrderIntake, actor: Actor, idempotency: IdempotencyKey | None) -> IntakeResult:
    articles = articles_by_sku(skus=[line.sku for line in intake.lines])
    unknown = [i for i, line in enumerate(intake.lines) if line.sku not in articles]
    if unknown:
        raise InvalidInput(
            f"unknown SKU {intake.lines[unknown[0]].sku}",
            details={"field": f"lines.{unknown[0]}.sku", "skus": [intake.lines[i].sku for i in unknown]},
        )
    customer = customer_upsert(data=_customer_data(intake))
    shipping_address = intake.shipping_address or intake.billing_address
    order = order_place(
        placement=OrderPlacement(
            channel=intake.channel, external_id=intake.external_id, placed_at=intake.placed_at,
            currency=intake.currency, prices_include_vat=intake.prices_include_vat, customer=customer,
            customer_snapshot=intake.customer, billing_address=intake.billing_address,
            shipping_address=shipping_address,
            lines=tuple(PlacedLine(articles[line.sku], line.quantity, line.unit_price) for line in intake.lines),
            payment_method=intake.payment_method, shipping_method=intake.shipping_method,
            shipping_price=intake.shipping_price, prepaid=intake.paid, require_stock=intake.require_stock,
            partial_delivery=intake.partial_delivery,
            language=intake.language,
        ),
        actor=actor,
    )
    if idempotency:
        order_intake_remember(order=order, client=idempotency.client, key=idempotency.key,
                              request_hash=idempotency.request_hash)
    invoice = order_placed_followups(order=order, paid=intake.paid, actor=actor)
    return IntakeResult(order=order, created=True, invoice=invoice)


def _customer_data(intake: OrderIntake) -> CustomerData:
    address = intake.billing_address
    return CustomerData(
        email=intake.customer["email"], name=intake.customer.get("name") or address.get("name", ""),
        company=intake.customer.get("company") or "",
        vat_id=normalise_vat_id(intake.customer.get("vat_id") or "", field="customer.vat_id"),
        phone=intake.customer.get("phone") or "", language=intake.language,
        street=address.get("street", ""), postal_code=address.get("postal_code", ""),
        city=address.get("city", ""), country=address.get("country", "DE"),
    )

