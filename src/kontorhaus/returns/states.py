from django.db import models


class ReturnStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    RECEIVED = "received", "Received"
    INSPECTED = "inspected", "Inspected"
    REFUND_PROPOSED = "refund_proposed", "Refund proposed"
    REFUNDED = "refunded", "Refunded"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# A return is cancelled before its goods are in (the customer kept them); once inspected it ends
# refunded, or closed without a refund (goods without an order, a wrong item, nothing to pay back).
TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnStatus.REGISTERED: frozenset({ReturnStatus.RECEIVED, ReturnStatus.CANCELLED}),
    ReturnStatus.RECEIVED: frozenset({ReturnStatus.INSPECTED, ReturnStatus.CANCELLED}),
    ReturnStatus.INSPECTED: frozenset({ReturnStatus.REFUND_PROPOSED, ReturnStatus.CLOSED}),
    ReturnStatus.REFUND_PROPOSED: frozenset({ReturnStatus.REFUNDED, ReturnStatus.CLOSED}),
    ReturnStatus.REFUNDED: frozenset(),
    ReturnStatus.CLOSED: frozenset(),
    ReturnStatus.CANCELLED: frozenset(),
}

OPEN_STATUSES = (ReturnStatus.REGISTERED, ReturnStatus.RECEIVED, ReturnStatus.INSPECTED, ReturnStatus.REFUND_PROPOSED)


class ReturnReason(models.TextChoices):
    DOES_NOT_FIT = "does_not_fit", "Doesn't fit"
    NOT_AS_DESCRIBED = "not_as_described", "Not as described"
    DAMAGED = "damaged", "Damaged"
    WRONG_ITEM = "wrong_item", "Wrong item"
    CHANGED_MIND = "changed_mind", "Changed my mind"
    OTHER = "other", "Other"


class Condition(models.TextChoices):
    """What the warehouse found when it opened the parcel, per line."""

    RESELLABLE = "resellable", "Resellable"
    DAMAGED = "damaged", "Damaged"
    WRONG_ITEM = "wrong_item", "Wrong item"


class Disposition(models.TextChoices):
    """Where the goods of a line went after inspection."""

    RESTOCKED = "restocked", "Back to stock"
    WRITTEN_OFF = "written_off", "Written off"
    QUARANTINED = "quarantined", "Quarantine"
    FLAGGED = "flagged", "Flagged (kept aside)"


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    API = "api", "Shop (API)"
    BACK_OFFICE = "back_office", "Back office"


class ShippingPaidBy(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    SHOP = "shop", "Shop"
