"""Planning the demo's order history and replaying it through the real flows.

A plan is made first (which customer buys what, when, how they pay, which orders are paid
later or cancelled), then every event is replayed in time order with the clock frozen at its
moment: invoices, payments, audit events and e-mails carry historic dates, and stock that a
cancellation gives back is there for the orders after it.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.order_intake import IntakeLine, OrderIntake, order_intake
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.states import PaymentMethod

from .catalog import GIFT_WRAP_SKU
from .people import DemoCustomer, demo_shipping_address

HISTORY_DAYS = 90
SHIPPING_METHOD = "dhl-paket"
SHIPPING_PRICE = Decimal("4.90")
FREE_SHIPPING_FROM = Decimal("50.00")
CANCEL_SHARE = 0.10  # of all orders
PAID_LATER_SHARE = 0.30  # of the unpaid prepayment/invoice orders that are not cancelled
PARTIAL_SHARE = 0.10  # of those paid later
BACK_OFFICE = Actor("user", "demo")
BANK_IMPORT = Actor("system", "bank-import")
# Orders evenings more than nights; weights per hour of the day (shop's local time).
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 6, 6, 6, 6, 7, 8, 10, 11, 10, 7, 3)
CANCEL_REASONS = ("Auf Wunsch des Kunden", "Doppelt bestellt", "Lieferzeit zu lang")
UNPAID_REASON = "Zahlung nicht eingegangen"


@dataclass(frozen=True)
class OrderPlan:
    intake: OrderIntake
    cancel_at: dt.datetime | None = None
    cancel_reason: str = ""
    pay_at: dt.datetime | None = None
    partial: bool = False


@dataclass(frozen=True)
class Shop:
    """What the planner draws from."""

    articles: Sequence[Article]
    weights: Sequence[int]
    by_sku: dict[str, Article]
    customers: Sequence[DemoCustomer]


def _placed_at(rng: random.Random, now: dt.datetime) -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    day = now.astimezone(zone).date() - dt.timedelta(days=rng.randrange(HISTORY_DAYS))
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
    moment = local.astimezone(dt.UTC)
    return moment if moment < now else moment - dt.timedelta(days=1)


def _buyers(rng: random.Random, customers: Sequence[DemoCustomer], count: int) -> list[DemoCustomer]:
    """Every customer orders at least once (when there are enough orders); some come back often."""
    if count <= len(customers):
        return rng.sample(list(customers), count)
    loyalty = [rng.paretovariate(1.5) for _ in customers]
    buyers = [*customers, *rng.choices(customers, weights=loyalty, k=count - len(customers))]
    rng.shuffle(buyers)
    return buyers


def _lines(rng: random.Random, shop: Shop) -> list[IntakeLine]:
    wanted = rng.choices((1, 2, 3, 4, 5), weights=(40, 30, 15, 10, 5))[0]
    picked: dict[str, Article] = {}
    for article in rng.choices(shop.articles, weights=shop.weights, k=wanted * 3):
        if len(picked) < wanted:
            picked.setdefault(article.sku, article)
    lines = []
    for sku, article in picked.items():
        food = article.vat_class == "reduced" and article.kind == "physical" and not sku.startswith("BU-")
        quantity = rng.choices((1, 2, 3, 4), weights=(55, 25, 10, 10) if food else (84, 12, 4, 0))[0]
        lines.append(IntakeLine(sku, 1 if article.kind != "physical" else quantity, article.price_gross))
    physical = any(shop.by_sku[line.sku].kind == "physical" for line in lines)
    if physical and len(lines) < 5 and GIFT_WRAP_SKU in shop.by_sku and rng.random() < 0.07:
        lines.append(IntakeLine(GIFT_WRAP_SKU, 1, shop.by_sku[GIFT_WRAP_SKU].price_gross))
    return lines


def _payment(rng: random.Random, *, channel: str, customer: DemoCustomer, physical: bool) -> tuple[str, bool]:
    """(method, paid in the shop). Marketplaces collect the money themselves."""
    if channel == "marketplace":
        return rng.choice((PaymentMethod.PAYPAL, PaymentMethod.CARD)), True
    if customer.is_business:
        return rng.choices((PaymentMethod.INVOICE, PaymentMethod.PREPAYMENT), weights=(7, 3))[0], False
    methods = (PaymentMethod.PREPAYMENT, PaymentMethod.INVOICE, PaymentMethod.PAYPAL, PaymentMethod.CARD,
               PaymentMethod.COD)
    method = rng.choices(methods, weights=(22, 15, 35, 18, 10 if physical else 0))[0]
    return method, method in (PaymentMethod.PAYPAL, PaymentMethod.CARD)


def _intake(rng: random.Random, shop: Shop, *, placed_at: dt.datetime, customer: DemoCustomer,
            external_id: str) -> OrderIntake:
    lines = _lines(rng, shop)
    physical = any(shop.by_sku[line.sku].kind == "physical" for line in lines)
    goods = sum((line.unit_price * line.quantity for line in lines), start=Decimal(0))
    channel = "marketplace" if external_id.startswith("302-") else "webshop"
    method, paid = _payment(rng, channel=channel, customer=customer, physical=physical)
    shipping_address = demo_shipping_address(rng, customer) if physical and rng.random() < 0.12 else None
    return OrderIntake(
        channel=channel, external_id=external_id, placed_at=placed_at, currency="EUR", prices_include_vat=True,
        customer={"email": customer.email, "name": customer.name, "company": customer.company,
                  "vat_id": customer.vat_id, "phone": customer.phone},
        billing_address=customer.address, shipping_address=shipping_address, lines=tuple(lines),
        payment_method=method, paid=paid, shipping_method=SHIPPING_METHOD if physical else "",
        shipping_price=SHIPPING_PRICE if physical and goods < FREE_SHIPPING_FROM else Decimal("0.00"),
    )


def _external_ids(rng: random.Random, count: int) -> list[str]:
    """Webshop order numbers count up; marketplace ids look like 302-1234567-1234567."""
    ids, taken, webshop = [], set(), 104_711
    for _ in range(count):
        if rng.random() < 0.2:
            external_id = f"302-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"
            if external_id not in taken:
                taken.add(external_id)
                ids.append(external_id)
                continue
        webshop += 1
        ids.append(str(webshop))
    return ids


def _later(rng: random.Random, start: dt.datetime, now: dt.datetime, *, hours: tuple[float, float]) -> dt.datetime:
    """A moment some hours after `start`, but before now."""
    moment = start + dt.timedelta(seconds=round(rng.uniform(*hours) * 3600))
    latest = now - dt.timedelta(minutes=1)
    return moment if moment < latest else start + (now - start) / 2


def _with_follow_ups(rng: random.Random, intakes: list[OrderIntake], now: dt.datetime) -> list[OrderPlan]:
    plans = [OrderPlan(intake) for intake in intakes]
    unpaid = [i for i, intake in enumerate(intakes) if not intake.paid]
    for i in rng.sample(unpaid, min(len(unpaid), _share(len(intakes), CANCEL_SHARE))):
        intake = intakes[i]
        overdue = intake.placed_at + dt.timedelta(days=14)
        if intake.payment_method == PaymentMethod.PREPAYMENT and overdue < now - dt.timedelta(hours=2):
            at, reason = _later(rng, overdue, now, hours=(0, 48)), UNPAID_REASON
        else:
            at, reason = _later(rng, intake.placed_at, now, hours=(0.2, 36)), rng.choice(CANCEL_REASONS)
        plans[i] = replace(plans[i], cancel_at=at, cancel_reason=reason)
    payable = [i for i in unpaid if plans[i].cancel_at is None
               and intakes[i].payment_method in (PaymentMethod.PREPAYMENT, PaymentMethod.INVOICE)]
    paid_later = rng.sample(payable, _share(len(payable), PAID_LATER_SHARE))
    partial = set(rng.sample(paid_later, _share(len(paid_later), PARTIAL_SHARE) if len(paid_later) >= 3 else 0))
    for i in paid_later:
        days = (1, 5) if intakes[i].payment_method == PaymentMethod.PREPAYMENT else (5, 21)
        at = _later(rng, intakes[i].placed_at, now, hours=(days[0] * 24, days[1] * 24))
        plans[i] = replace(plans[i], pay_at=at, partial=i in partial)
    return plans


def _share(total: int, share: float) -> int:
    """round(total * share), but at least one when there is anything to choose from."""
    return min(total, max(1, round(total * share))) if total else 0


def order_plans(rng: random.Random, shop: Shop, *, count: int, now: dt.datetime) -> list[OrderPlan]:
    moments = sorted(_placed_at(rng, now) for _ in range(count))
    buyers = _buyers(rng, shop.customers, count)
    external_ids = _external_ids(rng, count)
    intakes = [
        _intake(rng, shop, placed_at=placed_at, customer=customer, external_id=external_id)
        for placed_at, customer, external_id in zip(moments, buyers, external_ids, strict=True)
    ]
    return _with_follow_ups(rng, intakes, now)


# --- replay ----------------------------------------------------------------------------------


def _pay(order: SalesOrder, plan: OrderPlan, number: int, seed: int) -> None:
    amount = order.total_gross
    if plan.partial:  # transferred without the shipping costs, or a round sum short
        amount -= plan.intake.shipping_price or (amount * Decimal("0.2")).quantize(Decimal("1"))
    invoice = invoice_for_order(order_number=order.number)
    reference = f"{invoice.number} {order.number}" if invoice else order.number
    payment_received(
        order=order,
        data=PaymentData(order_number=order.number, amount=amount, currency=order.currency,
                         method=order.payment_method, source=PaymentSource.BANK, reference=reference,
                         external_id=f"demo-{seed}-{number:06d}"),
        actor=BANK_IMPORT,
    )


def order_plans_replay(plans: Sequence[OrderPlan], *, seed: int) -> list[SalesOrder]:
    """Run every planned event in time order, the clock frozen at its moment. The caller
    unfreezes the clock (in a `finally`)."""
    events = [(plan.intake.placed_at, 0, i) for i, plan in enumerate(plans)]
    events += [(plan.cancel_at, 1, i) for i, plan in enumerate(plans) if plan.cancel_at]
    events += [(plan.pay_at, 2, i) for i, plan in enumerate(plans) if plan.pay_at]
    orders: dict[int, SalesOrder] = {}
    for moment, kind, i in sorted(events):
        clock.freeze(moment)
        plan = plans[i]
        if kind == 0:
            actor = Actor("api", plan.intake.channel)
            orders[i] = order_intake(intake=plan.intake, actor=actor).order
        elif kind == 1:
            orders[i] = order_cancel(order=orders[i], actor=BACK_OFFICE, reason=plan.cancel_reason)
        else:
            _pay(orders[i], plan, i, seed)
    return [orders[i] for i in range(len(plans))]
