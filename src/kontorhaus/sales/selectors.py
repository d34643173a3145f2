import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from kontorhaus.catalog.models import ArticleKind
from kontorhaus.core.exceptions import NotFound

from .models import IntakeRequest, SalesOrder, SalesOrderLine
from .states import Readiness, SalesOrderStatus


@dataclass(frozen=True)
class OrderFilter:
    search: str = ""
    payment_state: str = ""
    fulfillment_state: str = ""
    status: str = ""
    readiness: str = ""
    placed_from: dt.date | None = None
    placed_to: dt.date | None = None


def order_get(*, number: str) -> SalesOrder:
    try:
        return SalesOrder.objects.select_related("customer").get(number=number)
    except SalesOrder.DoesNotExist:
        raise NotFound(f"order {number} not found", details={"number": number})


def order_lock(*, order: SalesOrder) -> SalesOrder:
    """The order's current row, locked until the caller's transaction ends."""
    return SalesOrder.objects.select_for_update().get(pk=order.pk)


def orders_lock(*, numbers: Iterable[str]) -> dict[str, SalesOrder]:
    """The orders' current rows, locked until the caller's transaction ends, in primary-key
    order (every flow that locks several orders takes them in this order: no deadlock).
    Unknown numbers are left out."""
    wanted, pks = sorted(set(numbers)), []
    if len(wanted) <= 2000:  # one statement; PostgreSQL locks the rows in its ORDER BY order
        return {order.number: order for order in SalesOrder.objects.select_for_update(of=("self",))
                .filter(number__in=wanted).select_related("customer").order_by("pk")}
    for start in range(0, len(wanted), 2000):
        pks += SalesOrder.objects.filter(number__in=wanted[start:start + 2000]).values_list("pk", flat=True)
    pks.sort()
    locked: dict[str, SalesOrder] = {}
    for start in range(0, len(pks), 2000):
        for order in (SalesOrder.objects.select_for_update(of=("self",)).filter(pk__in=pks[start:start + 2000])
                      .select_related("customer").order_by("pk")):
            locked[order.number] = order
    return locked


ORDER_NUMBER = re.compile(r"AU-\d{4}-\d{6,}")


def _search(orders: QuerySet[SalesOrder], text: str) -> QuerySet[SalesOrder]:
    text = text.strip()
    if not text:
        return orders
    if "@" in text:
        # customer_upsert stores the e-mail lowercased: one unique-index lookup, where iexact on
        # the order's copy (UPPER(...) = / LIKE) reads every order.
        return orders.filter(customer__email=text.lower()) if " " not in text else orders.none()
    upper = text.upper()
    if upper.startswith("AU-"):
        # SQLite's LIKE is case-insensitive and cannot use the index: a whole number is looked up exactly.
        return orders.filter(number=upper) if ORDER_NUMBER.fullmatch(upper) else orders.filter(number__startswith=upper)
    by_external_id = orders.filter(external_id=text)
    if by_external_id.exists():  # indexed; an OR with the substring search below would scan every order
        return by_external_id
    return orders.filter(Q(customer_name__icontains=text) | Q(customer_company__icontains=text))


def _start_of(day: dt.date) -> dt.datetime:
    # Clamped, so that a filter like "until 9999-12-31" filters nothing instead of overflowing.
    day = min(max(day, dt.date(1900, 1, 1)), dt.date(9000, 1, 1))
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def order_list(*, filters: OrderFilter) -> QuerySet[SalesOrder]:
    """Newest first; indexed on placed_at and the two derived states for 100k+ orders."""
    orders = _search(SalesOrder.objects.all(), filters.search)
    if filters.payment_state:
        orders = orders.filter(payment_state=filters.payment_state)
    if filters.fulfillment_state:
        orders = orders.filter(fulfillment_state=filters.fulfillment_state)
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.readiness:
        orders = orders.filter(readiness=filters.readiness)
    if filters.placed_from:  # as a range on the indexed column, in the company's timezone
        orders = orders.filter(placed_at__gte=_start_of(filters.placed_from))
    if filters.placed_to:
        orders = orders.filter(placed_at__lt=_start_of(filters.placed_to) + dt.timedelta(days=1))
    return orders.order_by("-placed_at", "-id")


def order_find_for_intake(*, client: str, key: str, channel: str, external_id: str) -> tuple[SalesOrder | None, str]:
    """An order this intake already created: by idempotency key (with the stored request hash)
    or by the shop's (channel, external_id). One query, as it runs before every new order.
    Returns (order, stored_hash or "")."""
    matches = Q(channel=channel, external_id=external_id)
    if key:
        remembered = IntakeRequest.objects.filter(client=client, key=key)
        matches |= Q(pk__in=remembered.values("order_id"))
        stored = remembered.filter(order=OuterRef("pk")).values("request_hash")[:1]
        orders = SalesOrder.objects.filter(matches).annotate(stored_hash=Subquery(stored))
        order = orders.order_by(F("stored_hash").asc(nulls_last=True)).first()
    else:
        order = SalesOrder.objects.filter(matches).first()
    return order, (getattr(order, "stored_hash", None) or "")


def customer_order_list(*, customer_id: int) -> QuerySet[SalesOrder]:
    return SalesOrder.objects.filter(customer_id=customer_id).order_by("-placed_at", "-id")


def orders_over_credit_limit_list(*, customer_id: int) -> list[SalesOrder]:
    """The customer's orders waiting because of their credit limit, oldest first (re-checked by
    `flows.credit_limit` when the room under the limit may have grown)."""
    return list(SalesOrder.objects.filter(customer_id=customer_id, readiness=Readiness.CREDIT_LIMIT_EXCEEDED)
                .order_by("pk"))


def backordered_line_list(*, article_id: int) -> list[SalesOrderLine]:
    """Open orders' lines still waiting for this article, oldest order first (first come,
    first served when stock arrives)."""
    return list(
        SalesOrderLine.objects.filter(article_id=article_id, backordered_quantity__gt=0,
                                      order__status=SalesOrderStatus.OPEN)
        .select_related("order").order_by("order__placed_at", "order_id", "position")
    )


@dataclass(frozen=True)
class PickableFilter:
    """Which released orders a pick run takes (see flows.pick_run)."""

    order_number: str = ""
    carrier: str = ""  # the order's shipping_method
    single_line: bool = False  # orders of one physical line only
    limit: int | None = None


def order_pickable_list(*, filters: PickableFilter, with_stock_in: QuerySet, not_in: QuerySet,
                        lock: bool = False) -> list[SalesOrder]:
    """Open, released, ready orders — oldest first — whose number is in `with_stock_in` (the
    orders with reserved units still in bins) and not in `not_in` (orders on an open pick
    list). With `lock` the rows are locked for the caller's transaction; on PostgreSQL rows
    another pick run is taking are skipped, so two runs created at once take different orders."""
    orders = SalesOrder.objects.filter(status=SalesOrderStatus.OPEN, readiness=Readiness.READY,
                                       released_at__isnull=False, number__in=with_stock_in)
    orders = orders.exclude(number__in=not_in)
    if filters.order_number:
        orders = orders.filter(number=filters.order_number)
    if filters.carrier:
        orders = orders.filter(shipping_method=filters.carrier)
    if filters.single_line:
        # A subquery, not a GROUP BY: PostgreSQL locks no grouped rows.
        physical = (SalesOrderLine.objects.filter(order=OuterRef("pk"), article_kind=ArticleKind.PHYSICAL)
                    .values("order").annotate(n=Count("pk")).values("n"))
        orders = orders.alias(physical=Subquery(physical)).filter(physical=1)
    # Only what a pick run needs: thousands of orders, their addresses are not read here.
    orders = orders.only("id", "number", "fulfillment_state", "released_at", "status").order_by("placed_at", "pk")
    if lock:
        skip = connection.features.has_select_for_update_skip_locked and not filters.order_number
        orders = orders.select_for_update(skip_locked=skip, of=("self",))
    if filters.limit is not None:
        orders = orders[: filters.limit]
    return list(orders)
