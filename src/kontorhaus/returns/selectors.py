"""Reading returns and withdrawals: by number, by what the warehouse scans, lists, deadlines,
and the return reasons and rates per article."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.inventory.models import Location, LocationKind
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.states import PaymentState, SalesOrderStatus

from .models import ReturnLine, ReturnPhoto, ReturnRequest, Withdrawal
from .services import return_policy_get
from .states import OPEN_STATUSES, ReturnStatus

MAX_SCAN = 64


def return_get(*, number: str) -> ReturnRequest:
    found = (ReturnRequest.objects.select_related("order", "withdrawal")
             .prefetch_related(Prefetch("lines", ReturnLine.objects.select_related("order", "article", "location")
                                        .annotate(photo_count=Count("photos"))))
             .filter(number=number).first())
    if found is None:
        raise NotFound(f"return {number} not found", details={"number": number})
    return found


# What the warehouse can still receive under an order number: a return waiting for its goods or
# received and not yet inspected. A refunded, closed or cancelled one is done.
SCAN_OPEN = (ReturnStatus.REGISTERED, ReturnStatus.RECEIVED)


def return_find_by_scan(*, code: str) -> ReturnRequest:
    """The return a scanned code names: its RMA number, its label's tracking number, or an order
    number with exactly one open return (registered or received). A label's tracking number is
    best resolved through its carrier record first (flows.return_received.return_scanned)."""
    code = (code or "").strip()
    if not code or len(code) > MAX_SCAN:
        raise InvalidInput("scan the return slip or label", details={"field": "code"})
    found = ReturnRequest.objects.filter(number__iexact=code).first()
    if found is not None:
        return found
    # Before each return had its own label one label was handed to every return of an order:
    # such a scan names the one still open, never simply the newest.
    labelled = list(ReturnRequest.objects.filter(label_tracking_number=code))
    if len(labelled) == 1:
        return labelled[0]
    if labelled:
        return _one_open(code, [r for r in labelled if r.status in SCAN_OPEN], what=f"label {code}")
    open_ = list(ReturnRequest.objects.filter(Q(order__number__iexact=code) | Q(lines__order__number__iexact=code),
                                              status__in=SCAN_OPEN).distinct().order_by("registered_at", "id")[:10])
    return _one_open(code, open_, what=f"order {code}")


def _one_open(code: str, open_: list[ReturnRequest], *, what: str) -> ReturnRequest:
    if len(open_) == 1:
        return open_[0]
    if open_:
        numbers = ", ".join(r.number for r in open_)
        raise InvalidInput(f"{what} has several open returns ({numbers}): scan the return number",
                           code="several_returns", details={"field": "code"})
    raise NotFound(f"no open return for {code}: register one first", details={"field": "code"})


@dataclass(frozen=True)
class ReturnFilter:
    status: str = ""
    search: str = ""


def return_list(*, filters: ReturnFilter) -> QuerySet[ReturnRequest]:
    returns = ReturnRequest.objects.select_related("order").annotate(line_count=Count("lines"))
    if filters.status == "open":
        returns = returns.filter(status__in=OPEN_STATUSES)
    elif filters.status in ReturnStatus.values:
        returns = returns.filter(status=filters.status)
    text = filters.search.strip()[:64]
    if text:
        returns = returns.filter(Q(number__icontains=text) | Q(order__number__icontains=text)
                                 | Q(customer_name__icontains=text) | Q(label_tracking_number=text))
    return returns.order_by("-registered_at", "-id")


def return_list_for_order(*, order_number: str) -> list[ReturnRequest]:
    return list(ReturnRequest.objects.filter(Q(order__number=order_number) | Q(lines__order__number=order_number))
                .distinct().order_by("-registered_at", "-id"))


def return_by_form_token(*, order: SalesOrder, token: str) -> ReturnRequest | None:
    """The return a portal form with this one-time token already registered for the order."""
    token = (token or "").strip()[:64]
    if not token:
        return None
    return ReturnRequest.objects.filter(order=order, form_token=token).first()


def return_photo_get(*, number: str, photo_id: int) -> ReturnPhoto:
    photo = ReturnPhoto.objects.filter(pk=photo_id, line__request__number=number).first()
    if photo is None:
        raise NotFound("no such photo", details={"photo": photo_id})
    return photo


# An order cancelled and refunded in full another way (or never paid) owes nothing more: its
# withdrawals wait for no refund, whatever settled them.
NOTHING_OWED = Q(order__status=SalesOrderStatus.CANCELLED,
                 order__payment_state__in=[PaymentState.REFUNDED, PaymentState.UNPAID])


def withdrawal_list(*, open_only: bool = False) -> QuerySet[Withdrawal]:
    rows = Withdrawal.objects.select_related("order")
    return rows.filter(settled_at__isnull=True).exclude(NOTHING_OWED) if open_only else rows


def withdrawal_list_for_order(*, order_number: str) -> list[Withdrawal]:
    return list(Withdrawal.objects.filter(order__number=order_number))


def withdrawals_refund_due(*, within_days: int | None = None, on: dt.date | None = None) -> list[Withdrawal]:
    """Unsettled withdrawals whose refund deadline is at most `within_days` away (the policy's
    alert days by default), overdue ones included, soonest first."""
    days = return_policy_get().refund_alert_days if within_days is None else within_days
    last = (on or clock.today()) + dt.timedelta(days=days)
    return list(Withdrawal.objects.select_related("order").filter(settled_at__isnull=True, refund_due_on__lte=last)
                .exclude(NOTHING_OWED).order_by("refund_due_on", "id"))


@dataclass(frozen=True)
class ArticleReturnRate:
    sku: str
    name: str
    shipped: int
    returned: int
    reasons: dict[str, int]

    @property
    def rate(self) -> float:
        return self.returned / self.shipped if self.shipped else 0.0


def return_rates_by_article(*, limit: int = 200) -> list[ArticleReturnRate]:
    """Per article with returns: units shipped, units returned (returns not cancelled) and the
    units per reason; highest return rate first. Three queries whatever the number of articles."""
    lines = ReturnLine.objects.exclude(request__status=ReturnStatus.CANCELLED).filter(article__isnull=False)
    per_reason = lines.values("article_id", "reason").annotate(units=Sum("quantity"))
    reasons: dict[int, dict[str, int]] = {}
    for row in per_reason:
        reasons.setdefault(row["article_id"], {})[row["reason"]] = row["units"]
    shipped = dict(SalesOrderLine.objects.filter(article_id__in=list(reasons)).values("article_id")
                   .annotate(units=Sum("shipped_quantity")).values_list("article_id", "units"))
    articles = Article.objects.in_bulk(list(reasons))
    rows = [ArticleReturnRate(sku=articles[a].sku, name=articles[a].name, shipped=shipped.get(a) or 0,
                              returned=sum(r.values()), reasons=r) for a, r in reasons.items()]
    rows.sort(key=lambda r: (-r.rate, -r.returned, r.sku))
    return rows[:limit]


def bin_find(*, code: str, warehouse: str) -> Location:
    """A bin as typed at inspection: its full code (WAREHOUSE:LABEL, or a warehouse code for its
    main bin), or a label in `warehouse`."""
    code = (code or "").strip()[:48]
    found = (Location.objects.select_related("warehouse").filter(kind=LocationKind.STOCK, code=code).first()
             or Location.objects.select_related("warehouse").filter(kind=LocationKind.STOCK,
                                                                   code=f"{warehouse}:{code}").first())
    if found is None:
        raise InvalidInput(f"no bin {code}", details={"field": "bin"})
    return found
