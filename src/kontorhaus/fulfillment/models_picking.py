"""Pick runs: released orders collected into one walk through the warehouse. Orders are known
by number and line position (like billing), so a pick run reads on its own."""

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.inventory.models import Location

from .states_picking import PickRunMode, PickRunStatus


class PickRun(models.Model):
    number = models.CharField(max_length=32, unique=True)
    mode = models.CharField(max_length=16, choices=PickRunMode.choices)
    carrier = models.CharField(max_length=32, blank=True, default="")
    status = models.CharField(max_length=16, choices=PickRunStatus.choices, default=PickRunStatus.OPEN)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.CharField(max_length=120)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=PickRunStatus.values), name="pick_run_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class PickRunOrder(models.Model):
    """An order on a pick run, in its tote (the box it is picked into: `<run>-<tote>` is
    scanned at the packing station). An order is on at most one open pick run at a time: the
    partial unique index makes a second one fail even if two runs are created at once."""

    run = models.ForeignKey(PickRun, on_delete=models.CASCADE, related_name="orders")
    order_number = models.CharField(max_length=32)
    tote = models.PositiveIntegerField()
    closed = models.BooleanField(default=False)  # the order was packed

    class Meta:
        ordering = ["run", "tote"]
        constraints = [
            models.UniqueConstraint(fields=["run", "tote"], name="uniq_pick_run_tote"),
            models.UniqueConstraint(fields=["order_number"], condition=models.Q(closed=False),
                                    name="uniq_open_pick_run_per_order"),
        ]
        indexes = [models.Index(fields=["order_number"], name="pick_run_order_number_idx")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.tote} {self.order_number}"


class PickItem(models.Model):
    """Units of one order line to take from one bin. The pick list shows them merged per
    article and bin, in the bins' walking order."""

    run = models.ForeignKey(PickRun, on_delete=models.CASCADE, related_name="items")
    order_number = models.CharField(max_length=32)
    tote = models.PositiveIntegerField()
    line_position = models.PositiveSmallIntegerField()
    article = models.ForeignKey(Article, on_delete=models.PROTECT)
    location = models.ForeignKey(Location, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    picked_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="pick_item_quantity_positive"),
            models.CheckConstraint(condition=models.Q(picked_quantity__lte=models.F("quantity")),
                                   name="pick_item_picked_within_quantity"),
        ]
        indexes = [models.Index(fields=["run", "article", "location"], name="pick_item_article_bin_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.article_id} @ {self.location_id} for {self.order_number}"
