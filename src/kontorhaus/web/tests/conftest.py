import pytest
from django.test import Client

from .factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="clerk")


@pytest.fixture
def client_in(user) -> Client:
    """A test client logged in as a back-office user, asking for English pages."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true"}
