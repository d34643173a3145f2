"""Stock is a ledger (STYLE 15): append-only moves between locations, with on-hand and
reserved counters per article and stock location kept beside it in the same transaction."""

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock


class LocationKind(models.TextChoices):
    STOCK = "stock", "Stock (bin)"
    PACKING = "packing", "Packing area"
    SUPPLIER = "supplier", "Supplier (virtual)"
    CUSTOMER = "customer", "Customer (virtual)"
    LOSS = "loss", "Inventory loss / gain (virtual)"
    RETURNS = "returns", "Returns (virtual)"


class Warehouse(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=100)
    sellable = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class Location(models.Model):
    """A place stock can be: a bin in a warehouse (kind stock, e.g. `A-03-2`, walked in
    `walk_order`), a warehouse's packing area, or a virtual location (supplier, customer, loss,
    returns) that the ledger's moves come from or go to. `code` is unique: a bin's is
    "<warehouse>:<label>"; a warehouse's first location (its code alone) is its main bin."""

    code = models.CharField(max_length=48, unique=True)
    label = models.CharField(max_length=32, blank=True, default="")
    kind = models.CharField(max_length=16, choices=LocationKind.choices)
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT)
    walk_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["warehouse_id", "walk_order", "label", "id"]

    def __str__(self) -> str:
        return self.label or self.code


class StockPolicy(models.Model):
    """Per article and warehouse: where it lives (default bin) and when to reorder."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="stock_policies")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE)
    default_bin = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL)
    reorder_point = models.PositiveIntegerField(null=True, blank=True)
    target_level = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "warehouse"], name="uniq_stock_policy")]

    def __str__(self) -> str:
        return f"{self.article_id}@{self.warehouse_id}"


class StockLevel(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="stock_levels")
    location = models.ForeignKey(Location, on_delete=models.PROTECT)
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "location"], name="uniq_stock_level"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}@{self.location_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMoveReason(models.TextChoices):
    RECEIPT = "receipt", "Goods receipt"
    ADJUSTMENT = "adjustment", "Stock adjustment"
    COUNT = "count", "Stock count"
    TRANSFER = "transfer", "Move between bins"
    PICK = "pick", "Picked to the packing area"
    SHIPMENT = "shipment", "Shipped to customer"
    WRITE_OFF = "write_off", "Write-off"
    RETURN = "return", "Customer return"


class StockMove(models.Model):
    """Done moves are immutable; a correction is a reverse move."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="stock_moves")
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="moves_out")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="moves_in")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=16, choices=StockMoveReason.choices)
    reference = models.CharField(max_length=64, blank=True, default="")
    note = models.CharField(max_length=200, blank=True, default="")
    actor = models.CharField(max_length=120)
    occurred_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["article", "occurred_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="stock_move_quantity_positive"),
            models.CheckConstraint(
                condition=~models.Q(from_location=models.F("to_location")), name="stock_move_locations_differ"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.article_id} {self.from_location_id}->{self.to_location_id}"


class StockReservation(models.Model):
    """Stock promised to one order line. Released on cancel, consumed on shipment."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT)
    location = models.ForeignKey(Location, on_delete=models.PROTECT)
    order_number = models.CharField(max_length=32, db_index=True)
    line_position = models.PositiveSmallIntegerField()
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="reservation_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.article_id} for {self.order_number}/{self.line_position}"


class AvailabilityStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    LOW = "low", "Low (at or below the reorder point)"
    SOLD_OUT = "sold_out", "Sold out"


class ArticleAvailability(models.Model):
    """The availability status last announced for an article (sellable warehouses together):
    a stock change announces a new status only when it crosses a threshold, so each crossing is
    told exactly once. The row is also what concurrent stock changes of one article queue on
    while they decide that (services_availability)."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE,
                                   related_name="availability_state")
    status = models.CharField(max_length=16, choices=AvailabilityStatus.choices, default=AvailabilityStatus.AVAILABLE)
    available = models.IntegerField(default=0)  # when the status last changed
    changed_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=AvailabilityStatus.values),
                                   name="article_availability_status_valid"),
        ]
        indexes = [models.Index(fields=["status"], name="article_avail_status_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.status}"
