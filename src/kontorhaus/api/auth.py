"""Bearer-token authentication for the REST API (django-ninja)."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken
from .selectors import api_token_get_active_by_plaintext
from .services import TOKEN_PREFIX, api_token_touch


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kh_…`. Sets `request.auth` to the ApiToken; anything else is a 401."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        api_token = api_token_get_active_by_plaintext(plaintext=token)
        if api_token is None:
            return None
        api_token_touch(token=api_token)
        return api_token
