from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from .factories import make_article, make_order

pytestmark = pytest.mark.django_db


def test_compiled_catalog_ships_with_the_code():
    mo = Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES" / "django.mo"
    assert mo.exists()
    with translation.override("de"):
        assert translation.gettext("Orders") == "Bestellungen"


@pytest.mark.parametrize(("language", "words"), [
    ("de", ["Bestellungen", "Kunden", "Unbezahlt", "Abmelden", 'lang="de"']),
    ("en", ["Orders", "Customers", "Unpaid", "Log out", 'lang="en"']),
])
def test_order_list_follows_the_browser_language(client, user, language, words):
    # given
    make_article("TSHIRT-M", stock=5)
    make_order()
    client.force_login(user)

    # when
    html = client.get("/orders/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    # then
    for word in words:
        assert word in html


def test_order_detail_in_german_formats_money_and_rates(client, user):
    make_article("TSHIRT-M", stock=5)
    order = make_order(("TSHIRT-M", 1, "19.99"))
    client.force_login(user)
    html = client.get(f"/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "19,99\xa0€" in html
    assert "19 %" in html
    assert "Bestellung eingegangen" in html and "Umsatzsteuer nach Steuersatz" in html


def test_language_switcher_sets_the_language(client, user):
    # given
    client.force_login(user)

    # when
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/orders/"}, HTTP_ACCEPT_LANGUAGE="de")

    # then
    assert response.status_code == 302 and response["Location"] == "/orders/"
    html = client.get("/orders/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Orders" in html and "Bestellungen" not in html


def test_login_page_is_translated(client):
    assert "Benutzername" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Username" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
