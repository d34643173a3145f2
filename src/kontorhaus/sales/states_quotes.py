"""The quote's lifecycle (STYLE 9): changed only through `core.statemachine.transition`.

A draft can be edited, sent, accepted directly (the customer said yes on the phone) or
declined. Once sent it is frozen: its PDF went to the customer and is stored as sent.
Accepted, declined and expired are final. A quote past its validity date cannot be accepted
whatever its status says (see services_quotes.quote_check_acceptable); `quotes_expire_due`
moves such quotes to "expired" so the list shows them as what they are.
"""

from django.db import models


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    QuoteStatus.DRAFT: frozenset({QuoteStatus.SENT, QuoteStatus.ACCEPTED, QuoteStatus.DECLINED, QuoteStatus.EXPIRED}),
    QuoteStatus.SENT: frozenset({QuoteStatus.ACCEPTED, QuoteStatus.DECLINED, QuoteStatus.EXPIRED}),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.DECLINED: frozenset(),
    QuoteStatus.EXPIRED: frozenset(),
}

ACCEPTABLE = frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT})
