"""Writes to the fulfillment tables for digital delivery (STYLE 4): the article's file, its
licence-key pool, the order's download grants and delivery record, and each download."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F

from kontorhaus.catalog.models import Article, ArticleKind
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import DomainError, InvalidInput
from kontorhaus.core.transactions import operation

from .models import DigitalAsset, DigitalDelivery, DigitalDeliveryStatus, DownloadGrant, DownloadLog, LicenceKey

MAX_ASSET_BYTES = 50 * 1024 * 1024
MAX_KEY_LENGTH = 200


class LicencePoolEmpty(DomainError):
    code = "licence_pool_empty"


class DownloadRefused(DomainError):
    code = "download_refused"
    status = 410


@dataclass(frozen=True)
class IssuedGrant:
    grant: DownloadGrant
    token: str  # the plaintext for the customer's link: never stored, cannot be shown again


def download_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require_digital(article: Article) -> None:
    if article.kind != ArticleKind.DIGITAL:
        raise InvalidInput(f"{article.sku} is not a digital article", details={"field": "article"})


@operation
def digital_asset_set(*, article: Article, filename: str, content_type: str, content: bytes,
                      actor: Actor) -> DigitalAsset:
    """Store (or replace) the file customers download for a digital article."""
    _require_digital(article)
    filename = filename.replace("/", "_").replace("\\", "_").strip()
    if not filename:
        raise InvalidInput("the file needs a name", details={"field": "filename"})
    if not content or len(content) > MAX_ASSET_BYTES:
        raise InvalidInput(f"the file must have between 1 byte and {MAX_ASSET_BYTES // 1024 // 1024} MB",
                           details={"field": "content"})
    asset, _ = DigitalAsset.objects.update_or_create(article=article, defaults={
        "filename": filename[:200], "content_type": content_type or "application/octet-stream",
        "content": content, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
        "uploaded_at": clock.now(),
    })
    record(action=AuditAction.FULFILLMENT_DIGITAL_ASSET_UPLOADED, obj=article, actor=actor,
           data={"filename": asset.filename, "size": asset.size, "sha256": asset.sha256})
    return asset


@operation
def licence_keys_add(*, article: Article, keys: Iterable[str], actor: Actor) -> int:
    """Add keys to the article's pool; keys already in it are skipped. Returns how many were new."""
    _require_digital(article)
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        raise InvalidInput("no licence keys given", details={"field": "keys"})
    too_long = [k for k in wanted if len(k) > MAX_KEY_LENGTH]
    if too_long:
        raise InvalidInput(f"a licence key is longer than {MAX_KEY_LENGTH} characters", details={"field": "keys"})
    known = set(LicenceKey.objects.filter(article=article, key__in=wanted).values_list("key", flat=True))
    new = [LicenceKey(article=article, key=k, added_at=clock.now()) for k in wanted if k not in known]
    LicenceKey.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent add of the same key: kept once
    record(action=AuditAction.FULFILLMENT_LICENCE_KEYS_ADDED, obj=article, actor=actor,
           data={"added": len(new), "skipped": len(wanted) - len(new)})
    return len(new)


@operation
def licence_keys_assign(*, article: Article, order_number: str, line_position: int, quantity: int) -> list[LicenceKey]:
    """One key per unit of the order line, from the article's pool. Units that have their key keep
    it (re-running assigns nothing new). Two orders never get the same key: free keys are taken
    under a row lock that skips keys another transaction is taking (PostgreSQL), or under the
    database write lock (SQLite), and the assignment is a guarded UPDATE on top.
    Raises LicencePoolEmpty (and assigns nothing) when the pool has too few free keys."""
    held = list(LicenceKey.objects.filter(order_number=order_number, line_position=line_position).order_by("unit"))
    missing = sorted(set(range(1, quantity + 1)) - {k.unit for k in held})
    if not missing:
        return held
    free = LicenceKey.objects.filter(article=article, order_number="").order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        free = free.select_for_update(skip_locked=True)
    picked = list(free[: len(missing)])
    if len(picked) < len(missing):
        raise LicencePoolEmpty(
            f"no licence keys left for {article.sku}: {len(missing)} needed, {len(picked)} free",
            details={"sku": article.sku, "needed": len(missing), "free": len(picked)},
        )
    now = clock.now()
    for key, unit in zip(picked, missing, strict=True):
        taken = LicenceKey.objects.filter(pk=key.pk, order_number="").update(
            order_number=order_number, line_position=line_position, unit=unit, assigned_at=now)
        if not taken:  # cannot happen under the locks above; refuse rather than hand out a key twice
            raise LicencePoolEmpty(f"licence key pool of {article.sku} changed concurrently",
                                   details={"sku": article.sku})
    return list(LicenceKey.objects.filter(order_number=order_number, line_position=line_position).order_by("unit"))


@operation
def download_grant_issue(*, order_number: str, line_position: int, article: Article) -> IssuedGrant:
    """The download right for one order line, with a fresh secret token. Issuing again for the
    same line replaces the token (the old link stops working) and renews the expiry; downloads
    already used stay counted."""
    token = secrets.token_urlsafe(32)
    expires_at = clock.now() + dt.timedelta(days=settings.KONTORHAUS["DOWNLOAD_DAYS"])
    grant, _ = DownloadGrant.objects.update_or_create(
        order_number=order_number, line_position=line_position,
        defaults={"article": article, "token_hash": download_token_hash(token), "expires_at": expires_at},
        create_defaults={"article": article, "token_hash": download_token_hash(token), "expires_at": expires_at,
                         "max_downloads": settings.KONTORHAUS["DOWNLOAD_LIMIT"], "created_at": clock.now()},
    )
    return IssuedGrant(grant=grant, token=token)


@operation
def digital_delivery_mark(*, order_number: str, status: DigitalDeliveryStatus, actor: Actor,
                          reason: str = "", data: dict | None = None) -> DigitalDelivery:
    """Record the order's digital delivery as delivered, or parked with a reason. Parking again
    for the same reason records nothing new."""
    current = DigitalDelivery.objects.select_for_update().filter(order_number=order_number).first()
    if current is not None and (current.status, current.reason) == (status, reason):
        return current
    now = clock.now()
    delivery, _ = DigitalDelivery.objects.update_or_create(order_number=order_number, defaults={
        "status": status, "reason": reason[:300],
        "delivered_at": now if status == DigitalDeliveryStatus.DELIVERED else None,
    })
    action = (AuditAction.FULFILLMENT_DIGITAL_DELIVERY_SENT if status == DigitalDeliveryStatus.DELIVERED
              else AuditAction.FULFILLMENT_DIGITAL_DELIVERY_PARKED)
    payload = {**(data or {}), **({"reason": reason} if reason else {})}
    record(action=action, actor=actor, order_number=order_number, data=payload)
    return delivery


@operation
def download_claim(*, grant: DownloadGrant, ip: str | None, user_agent: str, actor: Actor) -> DownloadGrant:
    """Count one download and log it. The count goes up only while it is below the limit and
    the grant has not expired, in one guarded UPDATE, so concurrent clicks never exceed the
    limit. Raises DownloadRefused otherwise, and nothing is logged."""
    now = clock.now()
    counted = DownloadGrant.objects.filter(
        pk=grant.pk, download_count__lt=F("max_downloads"), expires_at__gt=now,
    ).update(download_count=F("download_count") + 1)
    if not counted:
        raise DownloadRefused("this download link is used up or expired", details={"grant": grant.pk})
    grant.refresh_from_db(fields=["download_count"])
    DownloadLog.objects.create(grant=grant, at=now, ip=ip or None, user_agent=(user_agent or "")[:300])
    record(action=AuditAction.FULFILLMENT_DOWNLOAD_GRANT_USED, actor=actor, order_number=grant.order_number,
           data={"position": grant.line_position, "downloads": grant.download_count, "limit": grant.max_downloads})
    return grant
