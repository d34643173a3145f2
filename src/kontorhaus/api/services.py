"""Writes to the api app's tables: creating, revoking and touching API tokens (STYLE 4)."""

import datetime as dt
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q

from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import operation

from .models import ApiToken

TOKEN_PREFIX = "kh_"  # noqa: S105 -- a marker, not a secret
DISPLAY_PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


@operation
def api_token_create(*, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it with its plaintext, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise InvalidInput("A token needs a name.", code="token_name_missing", details={"field": "name"})
    if ApiToken.objects.filter(name=name).exists():
        raise InvalidInput(
            f"A token named {name!r} already exists.", code="token_name_taken", details={"field": "name"}
        )
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                name=name,
                token_hash=api_token_hash(plaintext),
                prefix=plaintext[:DISPLAY_PREFIX_LENGTH],
                created_at=clock.now(),
            )
    except IntegrityError:  # a concurrent create with the same name won the race
        raise InvalidInput(
            f"A token named {name!r} already exists.", code="token_name_taken", details={"field": "name"}
        )
    return token, plaintext


@operation
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking a revoked token is a no-op (STYLE 8)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record use, at most once per minute per token, so requests do not each write a row."""
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # The guard in the WHERE clause lets only one of several concurrent requests write.
    stale = now - LAST_USED_RESOLUTION
    ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk).update(
        last_used_at=now
    )
    token.last_used_at = now
