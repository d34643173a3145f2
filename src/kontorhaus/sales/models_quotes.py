"""Quotes (Angebote): a priced offer to one customer, which becomes an order when accepted.

Like orders and invoices, a quote copies what it is made of (STYLE 13): the customer's name
and addresses, each line's SKU, name, price, discount and tax data. Totals and the VAT
breakdown are computed by services_quotes with the order's own VAT rules and stored.
"""

from django.db import models

from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.customers.models import Customer

from .states_quotes import QuoteStatus

__all__ = ["Quote", "QuoteLine"]

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class Quote(models.Model):
    # Numbered on creation (unlike invoices): a draft is already discussed with the customer
    # by its number, and URLs and the API address it by number. Quote numbers may have gaps.
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="quotes")
    customer_email = models.EmailField()
    customer_name = models.CharField(max_length=200)
    customer_company = models.CharField(max_length=200, blank=True, default="")
    customer_vat_id = models.CharField(max_length=32, blank=True, default="")
    customer_phone = models.CharField(max_length=40, blank=True, default="")
    billing_address = models.JSONField()
    shipping_address = models.JSONField()
    valid_until = models.DateField()
    language = models.CharField(max_length=8, default="de")
    currency = models.CharField(max_length=3, default="EUR")
    prices_include_vat = models.BooleanField(default=False)  # quotes are usually net (B2B)
    payment_method = models.CharField(max_length=16, default="invoice")
    discount_percent = models.DecimalField(**PERCENT, default=0)  # on every line, after the line's own
    intro = models.TextField(blank=True, default="")  # printed above the lines
    notes = models.TextField(blank=True, default="")  # printed below the totals
    tax_strategy = models.CharField(max_length=16)
    vat_case = models.CharField(max_length=24, default="domestic")
    total_net = models.DecimalField(**MONEY)
    total_vat = models.DecimalField(**MONEY)
    total_gross = models.DecimalField(**MONEY)
    tax_breakdown = models.JSONField(default=list)
    order_number = models.CharField(max_length=32, blank=True, default="")  # once accepted
    created_by = models.CharField(max_length=150)  # the actor, as audit events name it
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=QuoteStatus.values), name="quote_status_valid"),
            models.CheckConstraint(condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                                   name="quote_discount_percent_range"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="quote_created_idx"),
            models.Index(fields=["status", "-created_at"], name="quote_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="quote_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    article = models.ForeignKey(Article, on_delete=models.PROTECT)
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)  # before discounts
    discount_percent = models.DecimalField(**PERCENT, default=0)
    # unit_price less the line's and the document's discount: what the order line will cost.
    discounted_unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    tax_category = models.CharField(max_length=4)
    net = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="uniq_quote_line_position"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="quote_line_quantity_positive"),
            models.CheckConstraint(condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                                   name="quote_line_discount_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id}/{self.position} {self.quantity} x {self.sku}"
