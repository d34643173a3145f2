from collections.abc import Mapping

from django.db import models


class OutgoingEmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


S = OutgoingEmailStatus

# sending -> queued is a retry after an error or a lease that ran out (see email_sweep).
TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.SENDING}),
    S.SENDING: frozenset({S.SENT, S.QUEUED, S.FAILED}),
    S.SENT: frozenset(),
    S.FAILED: frozenset(),
}


def check_transition(current: str, to: str) -> None:
    if to not in TRANSITIONS.get(current, frozenset()):
        raise ValueError(f"outgoing e-mail cannot go from {current} to {to}")
