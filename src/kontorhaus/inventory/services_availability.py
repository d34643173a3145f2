"""Availability thresholds: after a stock change that can change what the shop may sell, each
affected article's sellable availability is put into one of three statuses — sold out (nothing
available), low (at or below the reorder point) or available — and a change of status is
announced once: an audit event here, and to whoever listens (the outgoing shop webhooks, which
the integrations app registers; inventory cannot import it).

Availability and reorder point are both summed over the sellable warehouses: the shop sells
from all of them together, so "few left" means few left in total, not in one hall.

Cost: two cheap queries per stock operation whatever the number of articles (lock the status
rows with the summed reorder point, sum the available stock), plus one write per crossing. The
status rows are locked before the stock is summed, so on PostgreSQL two concurrent changes of
one article decide one after the other on committed numbers, and a crossing is neither missed
nor told twice. On SQLite writers are serialised anyway.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import IntegerField, OuterRef, Subquery, Sum

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, event, record_many

from .models import ArticleAvailability, AvailabilityStatus, StockPolicy
from .selectors import stock_availability


@dataclass(frozen=True)
class AvailabilityChange:
    sku: str
    status: str
    previous_status: str
    available: int
    reorder_point: int | None


AvailabilityListener = Callable[[AvailabilityChange], None]
_listeners: list[AvailabilityListener] = []


def availability_listener_register(listener: AvailabilityListener) -> None:
    """Called with every status change, inside the stock change's transaction (so what a
    listener writes or enqueues commits or vanishes with it). Registered once per process by
    apps above inventory in their AppConfig.ready()."""
    if listener not in _listeners:
        _listeners.append(listener)


def availability_status(*, available: int, reorder_point: int | None) -> AvailabilityStatus:
    if available <= 0:
        return AvailabilityStatus.SOLD_OUT
    if reorder_point is not None and available <= reorder_point:
        return AvailabilityStatus.LOW
    return AvailabilityStatus.AVAILABLE


def _reorder_points() -> Subquery:
    policies = (StockPolicy.objects.filter(article_id=OuterRef("article_id"), warehouse__sellable=True,
                                           reorder_point__isnull=False)
                .values("article_id").annotate(total=Sum("reorder_point")).values("total"))
    return Subquery(policies, output_field=IntegerField())


def _locked_states(ids: list[int]) -> list[ArticleAvailability]:
    def query() -> list[ArticleAvailability]:
        return list(ArticleAvailability.objects.select_for_update().filter(article_id__in=ids)
                    .annotate(reorder_point=_reorder_points()).order_by("article_id"))

    states = query()
    if len(states) < len(ids):  # first stock change of an article: it starts as "available"
        known = {s.article_id for s in states}
        ArticleAvailability.objects.bulk_create(
            [ArticleAvailability(article_id=i, available=0) for i in ids if i not in known], ignore_conflicts=True)
        states = query()
    return states


def availability_check(*, articles: Iterable[Article], actor: Actor) -> list[AvailabilityChange]:
    """Compare each article's availability with its last announced status; announce crossings.
    Call it at the end of any operation that changed on-hand or reserved quantities in sellable
    stock (not for picks and shipments: they move reserved units and leave availability as is)."""
    by_id = {a.pk: a for a in articles if a.is_stocked}
    if not by_id:
        return []
    states = _locked_states(sorted(by_id))
    stock = stock_availability(articles=list(by_id.values()))
    changes, entries = [], []
    for state in states:
        available = stock[state.article_id].available
        status = availability_status(available=available, reorder_point=state.reorder_point)
        if status == state.status:
            continue
        ArticleAvailability.objects.filter(pk=state.pk).update(status=status, available=available,
                                                                 changed_at=clock.now())
        article = by_id[state.article_id]
        change = AvailabilityChange(sku=article.sku, status=str(status), previous_status=state.status,
                                    available=available, reorder_point=state.reorder_point)
        changes.append(change)
        entries.append(event(action=AuditAction.INVENTORY_AVAILABILITY_CHANGED, obj=article, actor=actor,
                             data={"status": change.status, "previous_status": change.previous_status,
                                   "available": available, "reorder_point": state.reorder_point}))
    if entries:
        record_many(entries)
    for change in changes:
        for listener in _listeners:
            listener(change)
    return changes
