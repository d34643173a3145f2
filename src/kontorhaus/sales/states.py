from django.db import models


class SalesOrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


TRANSITIONS: dict[str, frozenset[str]] = {
    SalesOrderStatus.OPEN: frozenset({SalesOrderStatus.COMPLETED, SalesOrderStatus.CANCELLED}),
    SalesOrderStatus.COMPLETED: frozenset(),
    SalesOrderStatus.CANCELLED: frozenset(),
}


class PaymentState(models.TextChoices):
    """Derived from payments by `derive_payment_state`; never set by hand."""

    UNPAID = "unpaid", "Unpaid"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    OVERPAID = "overpaid", "Overpaid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


class FulfillmentState(models.TextChoices):
    """Derived from reservations, pick, pack and shipment records by `derive_fulfillment_state`."""

    UNFULFILLED = "unfulfilled", "Unfulfilled"
    RELEASED = "released", "Released"
    PICKING = "picking", "Picking"
    PACKED = "packed", "Packed"
    PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    RETURNED = "returned", "Returned"


class PaymentMethod(models.TextChoices):
    PREPAYMENT = "prepayment", "Prepayment"
    INVOICE = "invoice", "Invoice (purchase on account)"
    PAYPAL = "paypal", "PayPal"
    CARD = "card", "Card"
    COD = "cod", "Cash on delivery"
