"""Digital delivery: the file behind an article, its licence-key pool, the download grants an
order's customer holds and the log of each download. Orders are known by number and line
position (like billing), so these rows stay readable on their own."""

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock


class DigitalAsset(models.Model):
    """The file a customer downloads for a digital article. Kept in the database: it commits with
    the business transaction, is backed up with it, and needs no shared disk between servers.
    Meant for e-books, manuals and installers of a few megabytes, not for video."""

    article = models.OneToOneField(Article, on_delete=models.PROTECT, related_name="digital_asset")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.article.sku}: {self.filename}"


class LicenceKey(models.Model):
    """One key of an article's pool; assigned once, to one unit of one order line."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="licence_keys")
    key = models.CharField(max_length=200)
    added_at = models.DateTimeField(default=clock.now)
    order_number = models.CharField(max_length=32, blank=True, default="", db_index=True)
    line_position = models.PositiveSmallIntegerField(null=True, blank=True)
    unit = models.PositiveSmallIntegerField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="uniq_licence_key_per_article"),
            models.UniqueConstraint(fields=["order_number", "line_position", "unit"],
                                    condition=~models.Q(order_number=""), name="uniq_licence_key_per_unit"),
            models.CheckConstraint(
                condition=models.Q(order_number="", assigned_at__isnull=True)
                | (~models.Q(order_number="") & models.Q(assigned_at__isnull=False, line_position__isnull=False,
                                                        unit__isnull=False)),
                name="licence_key_assigned_completely",
            ),
        ]
        indexes = [models.Index(fields=["article", "order_number", "id"], name="licence_key_free_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.key[:4]}…"


class DigitalDeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    PARKED = "parked", "Parked"


class DigitalDelivery(models.Model):
    """The order's digital delivery: delivered (grants made, keys assigned, e-mail queued) or
    parked with a reason a person can act on (e.g. the key pool is empty)."""

    order_number = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=16, choices=DigitalDeliveryStatus.choices)
    reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DigitalDeliveryStatus.values),
                                   name="digital_delivery_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order_number} ({self.status})"


class DownloadGrant(models.Model):
    """The right to download one order line's file. The token in the customer's link is stored
    only as its SHA-256 hash (like API tokens): the table alone opens no download."""

    order_number = models.CharField(max_length=32)
    line_position = models.PositiveSmallIntegerField()
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="download_grants")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    max_downloads = models.PositiveIntegerField()
    download_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["order_number", "line_position"]
        constraints = [
            models.UniqueConstraint(fields=["order_number", "line_position"], name="uniq_download_grant_per_line"),
            models.CheckConstraint(condition=models.Q(download_count__lte=models.F("max_downloads")),
                                   name="download_count_within_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.order_number}/{self.line_position}"


class DownloadLog(models.Model):
    grant = models.ForeignKey(DownloadGrant, on_delete=models.CASCADE, related_name="downloads")
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.grant} at {self.at:%Y-%m-%d %H:%M}"


from .models_carriers import *  # noqa: E402, F403 -- carrier accounts, tracking events and alerts
from .models_picking import *  # noqa: E402, F403 -- pick runs, in their own module
from .models_shipping import *  # noqa: E402, F403 -- shipments and parcels
