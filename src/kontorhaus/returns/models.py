"""Withdrawals (the customer's declaration, § 355 BGB) and returns (the goods coming back).

They are separate on purpose: a customer may withdraw without sending anything yet, return
goods without withdrawing (a goodwill return, a wrong item), or do both; a return may gather
goods of several orders or goods without any order (the back office creates one by hand)."""

import uuid

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.inventory.models import Location
from kontorhaus.sales.models import SalesOrder

from .models_portal import PortalAttempt  # noqa: F401 - the app's models, for Django
from .states import Channel, Condition, Disposition, ReturnReason, ReturnStatus, ShippingPaidBy

MONEY = {"max_digits": 14, "decimal_places": 2}


class ReturnPolicy(models.Model):
    """The shop's return settings (one row; the defaults apply until it is saved)."""

    return_shipping_paid_by = models.CharField(max_length=16, choices=ShippingPaidBy.choices,
                                               default=ShippingPaidBy.SHOP)
    # Deducted from the refund when the customer bears the return shipping and used our label.
    return_shipping_fee = models.DecimalField(**MONEY, default=0)
    # The outbound delivery refunded on a full withdrawal is the standard one (§ 357 Abs. 2 BGB): what
    # the order paid for shipping, at most this (empty: all of it; set it when express costs more).
    standard_delivery_gross = models.DecimalField(**MONEY, null=True, blank=True)
    refund_alert_days = models.PositiveSmallIntegerField(default=3)
    quarantine_warehouse = models.CharField(max_length=16, default="QUARANTINE")
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"return policy ({self.return_shipping_paid_by})"


class Withdrawal(models.Model):
    """A declared withdrawal from a contract. The shop must confirm its receipt without delay on
    a durable medium (§ 356a BGB): the confirmation e-mail is queued in the transaction that
    records it, with the declaration's content and the time it was received."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="withdrawals")
    declared_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField()
    statement = models.TextField(blank=True, default="")
    # [] for the whole order, else [{"position": n, "quantity": q}, ...]
    items = models.JSONField(default=list, blank=True)
    confirmation_queued_at = models.DateTimeField()
    # 14 days after the declaration (§ 357 Abs. 1 BGB); empty for a late withdrawal: the shop decides
    # whether to accept it, and no legal refund deadline starts by itself.
    refund_due_on = models.DateField(null=True, blank=True)
    # The withdrawal period (§ 355 Abs. 2, § 356 Abs. 2 BGB: 14 days from receipt of the goods) ends
    # on this day; empty while the goods are not on their way yet. Late: declared after it.
    period_ends_on = models.DateField(null=True, blank=True)
    late = models.BooleanField(default=False)
    refund_alerted_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)  # a refund for the order was approved
    actor = models.CharField(max_length=120)

    class Meta:
        ordering = ["-declared_at", "-id"]
        indexes = [models.Index(fields=["settled_at", "refund_due_on"], name="withdrawal_due_idx")]

    def __str__(self) -> str:
        return f"withdrawal {self.order_id} {self.declared_at:%Y-%m-%d}"

    @property
    def is_full(self) -> bool:
        return not self.items


class ReturnRequest(models.Model):
    number = models.CharField(max_length=32, unique=True)  # RMA number, from core.numbering
    status = models.CharField(max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.REGISTERED)
    order = models.ForeignKey(SalesOrder, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="returns")  # the order it was registered for, if one
    withdrawal = models.ForeignKey(Withdrawal, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="returns")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    customer_name = models.CharField(max_length=200, blank=True, default="")
    customer_email = models.EmailField(blank=True, default="")
    note = models.TextField(blank=True, default="")
    label_tracking_number = models.CharField(max_length=64, blank=True, default="", db_index=True)
    label_pdf = models.BinaryField(null=True, blank=True, editable=False)
    # The portal form's one-time token: the same form submitted twice is the same return.
    form_token = models.CharField(max_length=64, blank=True, default="", db_index=True)
    shipping_paid_by = models.CharField(max_length=16, choices=ShippingPaidBy.choices)
    # The proposal, per order, written at inspection: [{"order": n, "goods": "..", "shipping": "..",
    # "deduction": "..", "return_shipping": "..", "total": ".."}]
    proposal = models.JSONField(default=list, blank=True)
    refund_total = models.DecimalField(**MONEY, default=0)
    credit_notes = models.JSONField(default=list, blank=True)  # numbers issued on approval
    refunds = models.JSONField(default=list, blank=True)  # references of the refunds requested
    registered_at = models.DateTimeField(default=clock.now)
    received_at = models.DateTimeField(null=True, blank=True)
    inspected_at = models.DateTimeField(null=True, blank=True)
    refund_proposed_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = "return"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ReturnStatus.values), name="return_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "-registered_at"], name="return_status_idx")]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    """Goods coming back: an order line's units (order + position), or an article without an order."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    order = models.ForeignKey(SalesOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order_line_position = models.PositiveSmallIntegerField(null=True, blank=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=24, choices=ReturnReason.choices)
    reason_note = models.CharField(max_length=500, blank=True, default="")
    unit_gross = models.DecimalField(**MONEY, default=0)  # the order line's gross per unit
    condition = models.CharField(max_length=16, choices=Condition.choices, blank=True, default="")
    disposition = models.CharField(max_length=16, choices=Disposition.choices, blank=True, default="")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    loss_of_value = models.DecimalField(**MONEY, default=0)  # deduction (§ 357a Abs. 1 BGB)
    # A wrong item: the article that actually arrived, when the clerk named it (it, not the ordered
    # article, goes into quarantine); without it a wrong item moves no stock.
    received_article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The goods value this line refunds (written with the proposal): the return that brings an
    # order line's last unit back refunds the line's gross less what earlier returns took, so
    # returns unit by unit never lose a cent to rounding.
    refund_goods = models.DecimalField(**MONEY, null=True, blank=True)
    inspection_note = models.CharField(max_length=500, blank=True, default="")
    inspected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="uniq_return_line_position"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="return_line_quantity_positive"),
            models.CheckConstraint(condition=models.Q(loss_of_value__gte=0), name="return_line_loss_not_negative"),
        ]
        indexes = [models.Index(fields=["order", "order_line_position"], name="return_line_order_idx")]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.position} {self.quantity} x {self.sku}"


class ReturnPhoto(models.Model):
    """A photo of a damaged item, kept in the database like a digital asset (no media folder to
    back up separately); its type was checked by its first bytes, not by its name."""

    line = models.ForeignKey(ReturnLine, on_delete=models.CASCADE, related_name="photos")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
