"""`demo_load`: a back-office user, the catalog with stock, customers and a few
months of orders — all in one transaction (the caller's, when it has one), so a failed load
leaves nothing behind and `kontorhaus demo --if-empty` simply tries again next time. The
company profile is core's table: the `kontorhaus_demo` command writes `DEMO_COMPANY` into it in
the same transaction.

Deterministic for a seed: the same seed gives the same articles, customers and orders (their
dates are relative to the day of loading). E-mails go to example.com addresses and stay queued
for the worker like any other e-mail (`make run` delivers them into files).
"""

import datetime as dt
import math
import random
import time
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.selectors import article_list, articles_by_sku
from kontorhaus.catalog.services import ArticleData, article_create
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.services import user_create
from kontorhaus.customers.selectors import customer_list
from kontorhaus.customers.services import CustomerData, customer_invoicing_set, customer_upsert
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.notifications.states import OutgoingEmailStatus
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.selectors import OrderFilter, order_list

from .catalog import DemoArticle, demo_articles, gtin_for
from .orders import HISTORY_DAYS, Shop, order_plans, order_plans_replay
from .people import DemoCustomer, demo_abroad, demo_customer, demo_public_sector
from .warehouse import demo_bins, demo_stock_policy

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 -- the documented demo login
CATALOG = Actor("user", DEMO_USER)
BUSINESS_SHARE = 0.15
ABROAD_EVERY = 12  # one customer in twelve lives abroad
PUBLIC_SECTOR_EVERY = 40  # and a few business customers are town offices (XRechnung)
AVERAGE_UNITS_PER_ORDER = 2.6


@dataclass(frozen=True)
class DemoOptions:
    orders: int = 500
    customers: int = 200
    seed: int = 42


@dataclass(frozen=True)
class DemoSummary:
    articles: dict[str, int]
    articles_short: int
    customers: int
    businesses: int
    orders_by_status: dict[str, int]
    orders_by_payment: dict[str, int]
    backordered_orders: int
    emails_queued: int
    tasks_queued: int
    seconds: float

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.articles.items()))
        orders = sum(self.orders_by_status.values())
        lines = [
            f"Demo data loaded in {self.seconds:.1f} s:",
            f"  articles:  {sum(self.articles.values())} ({kinds}); {self.articles_short} low or out of stock",
            f"  customers: {self.customers} ({self.businesses} companies)",
            f"  orders:    {orders} ({_counts(self.orders_by_status)}); "
            f"{self.backordered_orders} open with backordered lines",
            f"  payment:   {_counts(self.orders_by_payment)}",
            f"  queued for the worker: {self.emails_queued} e-mails, {self.tasks_queued} tasks "
            "(e-mails to example.com addresses; PDFs rendered on the way)",
            f"Login: {DEMO_USER} / {DEMO_PASSWORD}    API token: kontorhaus token create --name demo",
        ]
        return lines


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in sorted(counter.items(), key=lambda kv: -kv[1]))


def demo_orders_exist() -> bool:
    return order_list(filters=OrderFilter()).exists()


def _demo_user() -> None:
    # A back-office login, not a superuser: `make run` loads it on every fresh install.
    if not get_user_model().objects.filter(username=DEMO_USER).exists():
        user_create(username=DEMO_USER, password=DEMO_PASSWORD, email="demo@example.com", weak_password_allowed=True)


def _stock(article: DemoArticle, *, orders: int, total_popularity: int) -> int:
    demand = orders * AVERAGE_UNITS_PER_ORDER * article.popularity / total_popularity
    if article.stock == "zero":
        return 0
    if article.stock == "low":
        return max(2, math.floor(demand * 0.6))  # sells out somewhere along the history
    return math.ceil(demand * 1.6) + 8


def _catalog(options: DemoOptions) -> list[Article]:
    """Articles (existing SKUs are used as they are) and their opening stock."""
    wanted = demo_articles()
    existing = articles_by_sku(skus=[a.sku for a in wanted])
    total_popularity = sum(a.popularity for a in wanted)
    bins = demo_bins(actor=CATALOG)
    articles = []
    for index, demo in enumerate(wanted, start=1):
        article = existing.get(demo.sku)
        if article is None:
            data = ArticleData(name=demo.name, price_gross=demo.price_gross, kind=demo.kind,
                               vat_class=demo.vat_class, product_category=demo.product_category,
                               gtin=gtin_for(demo, index), weight_grams=demo.weight_grams)
            article = article_create(sku=demo.sku, data=data, actor=CATALOG)
            quantity = _stock(demo, orders=options.orders, total_popularity=total_popularity)
            if article.is_stocked:
                location = bins[index % len(bins)]
                demo_stock_policy(article=article, location=location, opening_stock=quantity, actor=CATALOG)
                if quantity:
                    stock_adjust(article=article, delta=quantity, reason="receipt", note="Anfangsbestand",
                                 actor=CATALOG, location=location)
        articles.append(article)
    return articles


def _customers(rng: random.Random, options: DemoOptions) -> list[DemoCustomer]:
    taken: set[str] = set()
    customers = [demo_customer(rng, taken, business=rng.random() < BUSINESS_SHARE) for _ in range(options.customers)]
    for index, customer in enumerate(customers):
        if index % ABROAD_EVERY == ABROAD_EVERY - 1:
            customers[index] = demo_abroad(customer, index // ABROAD_EVERY)
        elif customer.is_business and index % PUBLIC_SECTOR_EVERY == 3:
            customers[index] = demo_public_sector(customer, index)
    return customers


def _register_einvoice_customers(customers: list[DemoCustomer]) -> None:
    """Public-sector customers ask for XRechnung before their first order."""
    for c in customers:
        if c.einvoice_format:
            customer = customer_upsert(data=_customer_data(c))
            customer_invoicing_set(customer=customer, vat_id="", einvoice_format=c.einvoice_format,
                                   buyer_reference=c.buyer_reference, actor=CATALOG)


def _customer_data(c: DemoCustomer) -> CustomerData:
    a = c.address
    return CustomerData(email=c.email, name=c.name, company=c.company, vat_id=c.vat_id, phone=c.phone,
                        street=a["street"], postal_code=a["postal_code"], city=a["city"], country=a["country"])


def _register_non_buyers(customers: list[DemoCustomer], orders: list[SalesOrder]) -> None:
    """Customers without an order (small loads) exist too: registered in the shop, never bought."""
    buyers = {order.customer_email for order in orders}
    for c in customers:
        if c.email not in buyers:
            customer_upsert(data=_customer_data(c))


def _validate(options: DemoOptions) -> None:
    if options.orders < 0:
        raise InvalidInput("--orders must not be negative", details={"field": "orders"})
    if options.customers < 1:
        raise InvalidInput("--customers must be at least 1", details={"field": "customers"})
    if demo_orders_exist():
        raise InvalidInput("there are orders already: demo data go into an empty database only "
                           "(--if-empty skips quietly)", code="not_empty")


def demo_load(*, options: DemoOptions) -> DemoSummary:
    """Load the demo. Leaves the clock unfrozen, also when loading fails."""
    _validate(options)
    started = time.monotonic()
    rng = random.Random(options.seed)
    now = clock.now()
    try:
        with transaction.atomic():
            clock.freeze(now - dt.timedelta(days=HISTORY_DAYS + 1))  # the shop was set up before its orders
            _demo_user()
            articles = _catalog(options)
            customers = _customers(rng, options)
            _register_einvoice_customers(customers)
            shop = _shop(articles, customers)
            plans = order_plans(rng, shop, count=options.orders, now=now)
            orders = order_plans_replay(plans, seed=options.seed)
            clock.freeze(now)
            _register_non_buyers(customers, orders)
    finally:
        clock.unfreeze()
    return _summary(seconds=time.monotonic() - started)


def _shop(articles: list[Article], customers: list[DemoCustomer]) -> Shop:
    popularity = {a.sku: a.popularity for a in demo_articles()}
    sellable = [a for a in articles if popularity.get(a.sku, 1) > 0]  # gift wrap is only added to orders
    return Shop(articles=sellable, weights=[popularity.get(a.sku, 1) for a in sellable],
                by_sku={a.sku: a for a in articles}, customers=customers)


def _summary(*, seconds: float) -> DemoSummary:
    # Read-only counts for the message; there are no selectors for these aggregates yet.
    orders = order_list(filters=OrderFilter())
    short = [d.sku for d in demo_articles() if d.stock != "normal"]
    return DemoSummary(
        articles=dict(Counter(article_list().values_list("kind", flat=True))),
        articles_short=len(short),
        customers=customer_list().count(),
        businesses=customer_list().exclude(company="").count(),
        orders_by_status=dict(Counter(orders.values_list("status", flat=True))),
        orders_by_payment=dict(Counter(orders.exclude(status="cancelled").values_list("payment_state", flat=True))),
        backordered_orders=SalesOrderLine.objects.filter(backordered_quantity__gt=0, order__status="open")
        .values("order").distinct().count(),
        emails_queued=OutgoingEmail.objects.filter(status=OutgoingEmailStatus.QUEUED).count(),
        tasks_queued=DBTaskResult.objects.ready().count(),
        seconds=seconds,
    )

