"""Attempt counters of the customer portal's order lookup (order number + postal code).

Kept in the database, not in Django's cache: the default cache lives in one process, and a shop
on PostgreSQL runs several app servers, each of which would grant an attacker its own budget."""

from django.db import models


class PortalAttempt(models.Model):
    """How often `key` (a hash of the client IP or of the order number, never the value itself)
    was tried in the fixed window starting at `window`."""

    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key", "window"], name="uniq_portal_attempt")]
        indexes = [models.Index(fields=["window"], name="portal_attempt_window_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.window:%Y-%m-%d %H:%M} x{self.count}"
