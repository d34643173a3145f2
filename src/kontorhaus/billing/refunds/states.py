"""A refund's lifecycle (STYLE 9): requested -> sent -> done, or failed.

- psp:    requested -> done (the provider confirmed) | sent (the provider accepted, still pending)
          | failed (the provider refused, or it stayed unreachable after the retries)
- bank:   requested -> sent (put into a SEPA credit transfer file for the bank) -> done (seen on
          the statement, confirmed by a person)
- manual: requested -> done (paid out by hand, recorded at once)
"""

from django.db import models


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SENT = "sent", "Sent"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RefundMethod(models.TextChoices):
    PSP = "psp", "Payment provider"
    BANK = "bank", "Bank transfer (SEPA)"
    MANUAL = "manual", "By hand"


REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RefundStatus.REQUESTED: frozenset({RefundStatus.SENT, RefundStatus.DONE, RefundStatus.FAILED}),
    RefundStatus.SENT: frozenset({RefundStatus.DONE, RefundStatus.FAILED}),
    RefundStatus.DONE: frozenset(),
    RefundStatus.FAILED: frozenset(),
}

# Refunds that hold money back from the payment they refund (everything but a failed one).
OPEN_OR_DONE = (RefundStatus.REQUESTED, RefundStatus.SENT, RefundStatus.DONE)


class CreditNoteKind(models.TextChoices):
    CANCELLATION = "cancellation", "Cancellation (Storno)"
    PARTIAL = "partial", "Partial credit"
