"""Smoke tests for the test infrastructure in conftest.py: markers and the browser fixture."""

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_marker_runs_only_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_page_renders_a_page_of_the_live_server(browser_page):
    # when
    response = browser_page.goto("/admin/login/")

    # then
    assert response is not None
    assert response.status == 200
    assert browser_page.locator("input[name=username]").count() == 1


def test_api_client_fixture_has_bearer_header(api_client):
    assert api_client.defaults["HTTP_AUTHORIZATION"].startswith("Bearer kh_")
