from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.customers.models import Customer

from .states import FulfillmentState, PartialDelivery, PaymentMethod, PaymentState, Readiness, SalesOrderStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class SalesOrder(models.Model):
    number = models.CharField(max_length=32, unique=True)
    channel = models.CharField(max_length=32)
    external_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=SalesOrderStatus.choices, default=SalesOrderStatus.OPEN)
    payment_state = models.CharField(max_length=24, choices=PaymentState.choices, default=PaymentState.UNPAID)
    fulfillment_state = models.CharField(
        max_length=24, choices=FulfillmentState.choices, default=FulfillmentState.UNFULFILLED
    )
    readiness = models.CharField(max_length=24, choices=Readiness.choices, default=Readiness.AWAITING_PAYMENT)
    # Derived with payment_state (STYLE 10), set only by order_place and order_payment_state_refresh:
    # what the order owes (invoice less credit notes) minus what it netted (payments less refunds).
    # > 0 still to pay; <= 0 settled (< 0: the customer's credit, to be refunded).
    balance_due = models.DecimalField(**MONEY)
    released_at = models.DateTimeField(null=True, blank=True)
    placed_at = models.DateTimeField()
    created_at = models.DateTimeField(default=clock.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, default="de")
    currency = models.CharField(max_length=3, default="EUR")
    prices_include_vat = models.BooleanField(default=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    # Copied at intake (STYLE 13): the order stays what the customer saw.
    customer_email = models.EmailField()
    customer_name = models.CharField(max_length=200)
    customer_company = models.CharField(max_length=200, blank=True, default="")
    customer_vat_id = models.CharField(max_length=32, blank=True, default="")
    customer_phone = models.CharField(max_length=40, blank=True, default="")
    billing_address = models.JSONField()
    shipping_address = models.JSONField()
    shipping_method = models.CharField(max_length=32, blank=True, default="")
    # What the warehouse does when only part is in stock: ship what is there now and the rest
    # later ("ship_available"), or wait for everything ("wait"). Copied from the shop's default
    # (KONTORHAUS["PARTIAL_DELIVERY_DEFAULT"]) when the order is placed.
    partial_delivery = models.CharField(max_length=16, choices=PartialDelivery.choices, default=PartialDelivery.WAIT)
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    tax_strategy = models.CharField(max_length=16)
    vat_case = models.CharField(max_length=24, default="domestic")
    total_net = models.DecimalField(**MONEY)
    total_vat = models.DecimalField(**MONEY)
    total_gross = models.DecimalField(**MONEY)
    tax_breakdown = models.JSONField(default=list)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="uniq_order_channel_external_id"),
            models.CheckConstraint(condition=models.Q(status__in=SalesOrderStatus.values), name="order_status_valid"),
        ]
        indexes = [
            models.Index(fields=["-placed_at", "-id"], name="order_placed_idx"),
            models.Index(fields=["payment_state", "-placed_at"], name="order_payment_idx"),
            models.Index(fields=["fulfillment_state", "-placed_at"], name="order_fulfillment_idx"),
            models.Index(fields=["readiness", "-placed_at"], name="order_readiness_idx"),
            models.Index(fields=["customer_email"], name="order_email_idx"),
            models.Index(fields=["external_id"], name="order_external_idx"),
            models.Index(fields=["customer", "-placed_at", "-id"], name="order_customer_placed_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class LineKind(models.TextChoices):
    ARTICLE = "article", "Article"
    SHIPPING = "shipping", "Shipping"


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LineKind.choices, default=LineKind.ARTICLE)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT)
    sku = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=200)
    article_kind = models.CharField(max_length=16, blank=True, default="")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    tax_category = models.CharField(max_length=4)
    net = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)
    reserved_quantity = models.PositiveIntegerField(default=0)
    backordered_quantity = models.PositiveIntegerField(default=0)
    # Digital and service lines: how many units the customer has received (download link, key).
    delivered_quantity = models.PositiveIntegerField(default=0)
    # Physical lines, kept by the warehouse flows through sales.services_fulfillment; the
    # fulfillment state is derived from them. Units go bins -> pick list (picking) -> packing
    # area (picked) -> a packed shipment (packed; its stock has left, so the reservation is used
    # up and reserved_quantity drops) -> handed to the carrier (shipped).
    # Invariant of an open order: quantity = packed + reserved + backordered.
    picking_quantity = models.PositiveIntegerField(default=0)  # on an open pick list, not picked yet
    picked_quantity = models.PositiveIntegerField(default=0)
    packed_quantity = models.PositiveIntegerField(default=0)
    shipped_quantity = models.PositiveIntegerField(default=0)
    # Shipped units that came back and were inspected in the warehouse (a return).
    returned_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="uniq_order_line_position"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(shipped_quantity__lte=models.F("packed_quantity"),
                                   packed_quantity__lte=models.F("picked_quantity"),
                                   picked_quantity__lte=models.F("quantity")),
                name="order_line_fulfillment_counters_ordered"),
            models.CheckConstraint(condition=models.Q(returned_quantity__lte=models.F("shipped_quantity")),
                                   name="order_line_returned_within_shipped"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position} {self.quantity} x {self.sku}"


class IntakeRequest(models.Model):
    """An API idempotency record, written in the same transaction as the order it describes."""

    client = models.CharField(max_length=120)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="uniq_intake_client_key")]

    def __str__(self) -> str:
        return f"{self.client}:{self.key}"


from .models_quotes import *  # noqa: E402, F403 -- quotes (Angebote), in their own module
