"""API bearer tokens. Only a SHA-256 hash is stored; the plaintext is shown once at creation."""

from django.db import models


class ApiToken(models.Model):
    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the plaintext
    prefix = models.CharField(max_length=8)  # first characters of the plaintext, for display
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
