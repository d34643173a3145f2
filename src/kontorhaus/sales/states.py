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


class PartialDelivery(models.TextChoices):
    SHIP_AVAILABLE = "ship_available", "Ship what is there, the rest later"
    WAIT = "wait", "Wait until everything is there"


class PaymentMethod(models.TextChoices):
    PREPAYMENT = "prepayment", "Prepayment"
    INVOICE = "invoice", "Invoice (purchase on account)"
    PAYPAL = "paypal", "PayPal"
    CARD = "card", "Card"
    COD = "cod", "Cash on delivery"


class Readiness(models.TextChoices):
    """The release gate ("traffic light"): may the warehouse ship this order now, and if not,
    why not. Derived by `derive_readiness`, never set by hand."""

    READY = "ready", "Ready to ship"
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    AWAITING_STOCK = "awaiting_stock", "Awaiting stock"
    CREDIT_LIMIT_EXCEEDED = "credit_limit_exceeded", "Credit limit exceeded"
    ADDRESS_INCOMPLETE = "address_incomplete", "Address incomplete"
    NOTHING_TO_SHIP = "nothing_to_ship", "Nothing to ship"
    CANCELLED = "cancelled", "Cancelled"
