"""Reads of the api app's tables."""

from django.db.models import QuerySet

from kontorhaus.core.exceptions import NotFound

from .models import ApiToken
from .services import api_token_hash


def api_token_list() -> QuerySet[ApiToken]:
    return ApiToken.objects.order_by("name")


def api_token_get(*, name: str) -> ApiToken:
    try:
        return ApiToken.objects.get(name=name)
    except ApiToken.DoesNotExist:
        raise NotFound(f"No token named {name!r}.", code="token_not_found", details={"name": name})


def api_token_get_active_by_plaintext(*, plaintext: str) -> ApiToken | None:
    """One indexed lookup on the unique hash; revoked tokens are not found."""
    return ApiToken.objects.filter(token_hash=api_token_hash(plaintext), revoked_at__isnull=True).first()
