"""Purchasing: suppliers and their terms per article, purchase orders (Bestellungen) with their
lines, goods receipts, and the average purchase price per article.

A purchase order copies what it is made of (STYLE 13): the supplier's name, address and
e-mail, each line's SKU, name, supplier SKU and price, so the PDF the supplier got stays true
when the supplier or the article changes later.
"""

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.inventory.models import Location, Warehouse

from .states import PurchaseOrderStatus

MONEY = {"max_digits": 14, "decimal_places": 2}
UNIT_PRICE = {"max_digits": 14, "decimal_places": 4}


class Supplier(models.Model):
    # The shop's own supplier number (often the creditor account in the bookkeeping, e.g.
    # "70001"), typed in when the supplier is created; URLs and the API use it.
    number = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200, blank=True, default="")
    postal_code = models.CharField(max_length=16, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=2, default="DE")
    contact_name = models.CharField(max_length=120, blank=True, default="")
    email = models.EmailField()  # purchase orders go here
    phone = models.CharField(max_length=40, blank=True, default="")
    currency = models.CharField(max_length=3, default="EUR")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    vat_id = models.CharField(max_length=32, blank=True, default="")
    language = models.CharField(max_length=8, default="de")  # of the PDF and the e-mail
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def address(self) -> dict[str, str]:
        return {"company": self.name, "name": self.contact_name, "street": self.street,
                "postal_code": self.postal_code, "city": self.city, "country": self.country}


class SupplierTerms(models.Model):
    """What one supplier charges for one article and how it delivers it. One preferred supplier
    per article: the reorder list orders from it."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="terms")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="supplier_terms")
    supplier_sku = models.CharField(max_length=64, blank=True, default="")
    purchase_price = models.DecimalField(**UNIT_PRICE)  # net, in the supplier's currency
    pack_size = models.PositiveIntegerField(default=1)
    minimum_order_quantity = models.PositiveIntegerField(default=1)
    lead_time_days = models.PositiveSmallIntegerField(default=0)
    preferred = models.BooleanField(default=False)

    class Meta:
        ordering = ["supplier_id", "article_id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "article"], name="uniq_supplier_terms"),
            models.UniqueConstraint(fields=["article"], condition=models.Q(preferred=True),
                                    name="uniq_preferred_supplier_per_article"),
            models.CheckConstraint(condition=models.Q(purchase_price__gte=0), name="supplier_terms_price_not_negative"),
            models.CheckConstraint(condition=models.Q(pack_size__gte=1), name="supplier_terms_pack_size_positive"),
            models.CheckConstraint(condition=models.Q(minimum_order_quantity__gte=1),
                                   name="supplier_terms_moq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}/{self.article_id}"


class PurchaseOrder(models.Model):
    # Numbered on creation like quotes: a draft is already addressed by its number (URLs, API,
    # a phone call with the supplier). Purchase order numbers may have gaps.
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=24, choices=PurchaseOrderStatus.choices, default=PurchaseOrderStatus.DRAFT)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT)  # where the goods are delivered
    supplier_name = models.CharField(max_length=200)
    supplier_email = models.EmailField()
    supplier_address = models.JSONField(default=dict)
    supplier_vat_id = models.CharField(max_length=32, blank=True, default="")
    language = models.CharField(max_length=8, default="de")
    currency = models.CharField(max_length=3, default="EUR")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    note = models.TextField(blank=True, default="")  # printed on the PDF
    total_net = models.DecimalField(**MONEY, default=0)
    expected_on = models.DateField(null=True, blank=True)  # ordered + the longest lead time
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=clock.now)
    ordered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=PurchaseOrderStatus.values),
                                   name="purchase_order_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="po_status_idx")]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    article = models.ForeignKey(Article, on_delete=models.PROTECT)
    sku = models.CharField(max_length=64)
    gtin = models.CharField(max_length=14, blank=True, default="")
    name = models.CharField(max_length=200)
    supplier_sku = models.CharField(max_length=64, blank=True, default="")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**UNIT_PRICE)  # net, in the order's currency
    net = models.DecimalField(**MONEY)
    received_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "position"], name="uniq_po_line_position"),
            models.UniqueConstraint(fields=["purchase_order", "article"], name="uniq_po_line_article"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="po_line_quantity_positive"),
            # More than ordered is refused at receipt (purchasing.services), and here again.
            models.CheckConstraint(condition=models.Q(received_quantity__lte=models.F("quantity")),
                                   name="po_line_received_within_ordered"),
        ]
        indexes = [models.Index(fields=["article", "purchase_order"], name="po_line_article_idx")]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}/{self.position} {self.quantity} x {self.sku}"

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.received_quantity


class GoodsReceipt(models.Model):
    """One delivery booked against a purchase order. `key` is the receipt id the caller chose
    (the API's Idempotency-Key, a form's hidden token): the same key books once."""

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    actor = models.CharField(max_length=150)
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["purchase_order", "key"], name="uniq_goods_receipt_key")]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}:{self.key}"


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    po_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    location = models.ForeignKey(Location, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="receipt_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.po_line_id} -> {self.location_id}"


class ArticleCost(models.Model):
    """The article's average purchase price (gleitender Durchschnitt), in the company's
    currency: per article, not per supplier, because stock from different suppliers lies in the
    same bins and is sold as one. Updated at each goods receipt, weighted by the quantity on
    hand before it."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="cost")
    average_price = models.DecimalField(**UNIT_PRICE)
    currency = models.CharField(max_length=3, default="EUR")
    last_price = models.DecimalField(**UNIT_PRICE)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.average_price} {self.currency}"
