import datetime as dt

import pytest
from django.test import RequestFactory

from kontorhaus.api.auth import TokenAuth
from kontorhaus.api.models import ApiToken
from kontorhaus.api.selectors import api_token_get, api_token_list
from kontorhaus.api.services import api_token_create, api_token_hash, api_token_revoke, api_token_touch
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput, NotFound

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen_clock():
    clock.freeze(T0)
    yield
    clock.unfreeze()


def _authenticate(token: str) -> ApiToken | None:
    request = RequestFactory().get("/api/v1/anything", HTTP_AUTHORIZATION=f"Bearer {token}")
    return TokenAuth().authenticate(request, token)


def test_create_returns_plaintext_once_and_stores_only_its_hash(frozen_clock):
    # when
    token, plaintext = api_token_create(name="shop")

    # then
    assert plaintext.startswith("kh_")
    assert len(plaintext) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == api_token_hash(plaintext)
    assert plaintext not in (stored.token_hash, stored.prefix, stored.name)
    assert stored.prefix == plaintext[:8]
    assert stored.created_at == T0
    assert stored.last_used_at is None
    assert stored.revoked_at is None


def test_two_tokens_differ():
    _, first = api_token_create(name="a")
    _, second = api_token_create(name="b")
    assert first != second


def test_duplicate_or_empty_name_is_refused():
    # given
    api_token_create(name="shop")

    # when / then
    with pytest.raises(InvalidInput, match="already exists"):
        api_token_create(name="shop")
    with pytest.raises(InvalidInput, match="needs a name"):
        api_token_create(name="  ")
    assert ApiToken.objects.count() == 1


def test_list_and_get():
    api_token_create(name="zeta")
    api_token_create(name="alpha")

    assert [t.name for t in api_token_list()] == ["alpha", "zeta"]
    assert api_token_get(name="zeta").name == "zeta"
    with pytest.raises(NotFound):
        api_token_get(name="missing")


def test_revoke_is_idempotent(frozen_clock):
    # given
    token, _ = api_token_create(name="shop")

    # when
    api_token_revoke(token=token)
    clock.freeze(T0 + dt.timedelta(hours=1))
    again = api_token_revoke(token=token)

    # then
    assert again.revoked_at == T0


def test_valid_token_authenticates_and_records_use(frozen_clock):
    # given
    token, plaintext = api_token_create(name="shop")

    # when
    result = _authenticate(plaintext)

    # then
    assert result == token
    token.refresh_from_db()
    assert token.last_used_at == T0


@pytest.mark.parametrize("bad", ["", "kh_wrong", "not-a-kontorhaus-token", "Bearer"])
def test_wrong_or_empty_token_is_refused(bad):
    api_token_create(name="shop")
    assert _authenticate(bad) is None


def test_token_with_changed_character_is_refused():
    _, plaintext = api_token_create(name="shop")
    tampered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert _authenticate(tampered) is None


def test_revoked_token_is_refused():
    token, plaintext = api_token_create(name="shop")
    api_token_revoke(token=token)
    assert _authenticate(plaintext) is None


def test_authenticate_is_one_query_while_last_use_is_recent(frozen_clock, django_assert_num_queries):
    # given: the token was used a moment ago
    _, plaintext = api_token_create(name="shop")
    _authenticate(plaintext)
    clock.freeze(T0 + dt.timedelta(seconds=30))

    # when / then: one indexed lookup, no write
    with django_assert_num_queries(1):
        assert _authenticate(plaintext) is not None


def test_last_use_is_written_at_most_once_a_minute(frozen_clock):
    # given
    token, _ = api_token_create(name="shop")
    api_token_touch(token=token)

    # when: a stale in-memory copy touches again within the minute
    stale_copy = ApiToken.objects.get(pk=token.pk)
    stale_copy.last_used_at = None
    clock.freeze(T0 + dt.timedelta(seconds=59))
    api_token_touch(token=stale_copy)

    # then: the guarded UPDATE did not move the timestamp
    token.refresh_from_db()
    assert token.last_used_at == T0

    # when: a minute later
    clock.freeze(T0 + dt.timedelta(seconds=61))
    api_token_touch(token=token)

    # then
    token.refresh_from_db()
    assert token.last_used_at == T0 + dt.timedelta(seconds=61)


def test_api_client_fixture_sends_the_bearer_token(api_client, api_token):
    assert api_client.defaults["HTTP_AUTHORIZATION"] == f"Bearer {api_token}"
    assert _authenticate(api_token) is not None


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer kh_wrong", "Basic dXNlcjpwYXNz", "revoked"])
def test_api_refuses_requests_without_a_valid_token_with_401(client, header):
    # given
    token, plaintext = api_token_create(name="shop")
    if header == "revoked":
        api_token_revoke(token=token)
        header = f"Bearer {plaintext}"
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    # when
    response = client.post("/api/v1/orders", "{}", content_type="application/json", **headers)

    # then
    assert response.status_code == 401
