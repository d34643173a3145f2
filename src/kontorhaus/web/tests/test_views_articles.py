from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontorhaus.catalog.models import Article
from kontorhaus.core.models import AuditEvent

from .factories import make_article, make_order

pytestmark = pytest.mark.django_db

VALID = {"sku": "MUG-01", "name": "Tasse", "gtin": "", "kind": "physical", "vat_class": "standard",
         "price_gross": "12.50", "weight_grams": "350", "active": "on"}


def test_article_list_shows_stock_per_article(client_in):
    # given: 10 in stock, 3 reserved by an order
    make_article("TSHIRT-M", stock=10)
    make_article("EBOOK-1", name="E-Book", kind="digital", price="9.99")
    make_order(("TSHIRT-M", 3, "19.99"))

    # when
    response = client_in.get("/articles/")

    # then
    html = response.content.decode()
    rows = {article.sku: stock for article, stock in response.context["rows"]}
    assert (rows["TSHIRT-M"].on_hand, rows["TSHIRT-M"].reserved, rows["TSHIRT-M"].available) == (10, 3, 7)
    assert "EBOOK-1" in html and "Digital" in html


def test_article_list_search_and_kind_filter(client_in):
    make_article("TSHIRT-M")
    make_article("EBOOK-1", name="E-Book Kochen", kind="digital", price="9.99")

    by_name = client_in.get("/articles/", {"q": "kochen"}).context["rows"]
    by_kind = client_in.get("/articles/", {"kind": "physical"}).context["rows"]

    assert [a.sku for a, _ in by_name] == ["EBOOK-1"]
    assert [a.sku for a, _ in by_kind] == ["TSHIRT-M"]


def test_article_list_queries_do_not_grow(client_in, django_assert_num_queries):
    make_article("A-1", stock=1)
    with CaptureQueriesContext(connection) as few:
        client_in.get("/articles/")
    for i in range(2, 8):
        make_article(f"A-{i}", stock=i)

    # session, user, articles, stock levels for the page
    with django_assert_num_queries(4):
        client_in.get("/articles/")
    assert len(few.captured_queries) == 4


def test_create_article(client_in):
    # when
    response = client_in.post("/articles/new/", VALID)

    # then
    assert response.status_code == 302
    article = Article.objects.get(sku="MUG-01")
    assert (article.name, article.price_gross, article.weight_grams, article.active) == (
        "Tasse", Decimal("12.5000"), 350, True)
    assert AuditEvent.objects.get(action="catalog.article.created").actor == "user:clerk"
    assert "Article MUG-01 created." in client_in.get("/articles/").content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("price_gross", "-1", "greater than or equal to 0"),
    ("price_gross", "abc", "Enter a number."),
    ("name", "", "This field is required."),
    ("weight_grams", "-5", "greater than or equal to 0"),
])
def test_invalid_input_shows_the_field_error_and_creates_nothing(client_in, field, value, message):
    # when
    response = client_in.post("/articles/new/", {**VALID, field: value})

    # then
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_duplicate_sku_is_a_non_field_error(client_in):
    # given
    make_article("MUG-01", name="Alte Tasse")

    # when
    response = client_in.post("/articles/new/", VALID)

    # then
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == ["article MUG-01 exists already"]
    assert 'class="form-errors"' in response.content.decode()
    assert Article.objects.get().name == "Alte Tasse"


def test_service_rule_violation_is_shown_and_nothing_created(client_in):
    # the form accepts any 14 characters; the service knows what a GTIN is
    response = client_in.post("/articles/new/", {**VALID, "gtin": "12345"})
    assert response.status_code == 422
    assert "GTIN must have 8, 12, 13 or 14 digits" in response.content.decode()
    assert not Article.objects.exists()


def test_edit_article(client_in):
    # given
    make_article("MUG-01", name="Tasse", price="12.50")

    # when: the SKU field is disabled, a posted SKU is ignored
    response = client_in.post("/articles/MUG-01/edit/", {**VALID, "sku": "HACKED", "name": "Große Tasse",
                                                         "price_gross": "14.00", "active": ""})

    # then
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.sku, article.name, article.price_gross, article.active) == (
        "MUG-01", "Große Tasse", Decimal("14.0000"), False)
    assert AuditEvent.objects.filter(action="catalog.article.updated", actor="user:clerk").count() == 1


def test_edit_form_is_prefilled(client_in):
    make_article("MUG-01", name="Tasse", price="12.50")
    html = client_in.get("/articles/MUG-01/edit/").content.decode()
    assert 'value="Tasse"' in html and "Edit article MUG-01" in html


def test_edit_shows_service_errors(client_in):
    make_article("MUG-01")
    response = client_in.post("/articles/MUG-01/edit/", {**VALID, "gtin": "1"})
    assert response.status_code == 422
    assert "GTIN must have" in response.content.decode()


def test_edit_unknown_article_is_404(client_in):
    assert client_in.get("/articles/NOPE/edit/").status_code == 404
