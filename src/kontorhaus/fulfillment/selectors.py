"""Reads of the digital-delivery tables: for the portal's download page and the order page."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.states import PaymentState, SalesOrderStatus

from .models import DigitalAsset, DigitalDelivery, DownloadGrant, LicenceKey
from .services import download_token_hash

MAX_TOKEN_LENGTH = 100
EXPIRED, EXHAUSTED, REVOKED = "expired", "exhausted", "revoked"


def download_grant_find(*, token: str) -> DownloadGrant | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return DownloadGrant.objects.select_related("article").filter(token_hash=download_token_hash(token)).first()


def download_refusal(*, grant: DownloadGrant) -> str:
    """Why this grant opens no download now ("" when it does): expired, used up, or revoked
    because its order was cancelled or refunded."""
    if grant.expires_at <= clock.now():
        return EXPIRED
    if grant.download_count >= grant.max_downloads:
        return EXHAUSTED
    order = SalesOrder.objects.filter(number=grant.order_number).values("status", "payment_state").first()
    # A partial refund may be for another line (a returned parcel): only a full refund revokes.
    if order is None or order["status"] == SalesOrderStatus.CANCELLED:
        return REVOKED
    if order["payment_state"] == PaymentState.REFUNDED:
        return REVOKED
    return ""


def digital_asset_get(*, article: Article, with_content: bool = False) -> DigitalAsset | None:
    assets = DigitalAsset.objects.filter(article=article)
    if not with_content:
        assets = assets.defer("content")
    return assets.first()


def licence_key_pool_articles(*, articles: Iterable[Article]) -> set[int]:
    """The ids of those articles that sell licence keys (have a pool, even an empty one)."""
    ids = {a.pk for a in articles}
    return set(LicenceKey.objects.filter(article_id__in=ids).values_list("article_id", flat=True).distinct())


@dataclass(frozen=True)
class DigitalOverview:
    """What the order page shows about an order's digital delivery."""

    delivery: DigitalDelivery | None = None
    grants: list[DownloadGrant] = field(default_factory=list)
    keys: list[LicenceKey] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.delivery or self.grants or self.keys)


def digital_overview_for_order(*, order_number: str) -> DigitalOverview:
    """One query for an order without digital delivery: grants and keys exist only once the
    delivery record does (delivered, or parked and since delivered)."""
    delivery = DigitalDelivery.objects.filter(order_number=order_number).first()
    if delivery is None:
        return DigitalOverview()
    return DigitalOverview(
        delivery=delivery,
        grants=list(DownloadGrant.objects.select_related("article").filter(order_number=order_number)),
        keys=list(LicenceKey.objects.filter(order_number=order_number).order_by("line_position", "unit")),
    )
