import pytest

from kontorhaus.customers.models import Customer
from kontorhaus.web import views

from .factories import make_article, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _article():
    make_article("TSHIRT-M", stock=100)


@pytest.mark.parametrize("search", ["zora", "ZIEGLER@example", "Ziegler Bau", "__number__"])
def test_customer_list_search(client_in, search):
    # given
    make_order(name="Zora Ziegler", email="ziegler@example.com", company="Ziegler Bau GmbH")
    make_order(name="Otto Other", email="otto@example.com")
    zora = Customer.objects.get(email="ziegler@example.com")

    # when
    response = client_in.get("/customers/", {"q": zora.number if search == "__number__" else search})

    # then
    assert [c.email for c in response.context["customers"]] == ["ziegler@example.com"]
    assert zora.number in response.content.decode()


def test_customer_list_pages_by_name(client_in, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ["Cora", "Anna", "Bert"]:
        make_order(name=name, email=f"{name.lower()}@example.com")
    first = client_in.get("/customers/")
    second = client_in.get("/customers/", {"after": first.context["page"].next_cursor})
    assert [c.name for c in first.context["customers"]] == ["Anna", "Bert"]
    assert [c.name for c in second.context["customers"]] == ["Cora"]
    assert second.context["page"].next_cursor == ""


def test_customer_detail_lists_their_orders(client_in, django_assert_num_queries):
    # given
    first = make_order(email="zora@example.com", name="Zora Ziegler")
    second = make_order(email="zora@example.com", name="Zora Ziegler")
    other = make_order(email="otto@example.com")
    number = Customer.objects.get(email="zora@example.com").number

    # when: session, user, customer, orders
    with django_assert_num_queries(4):
        response = client_in.get(f"/customers/{number}/")

    # then
    html = response.content.decode()
    assert "Zora Ziegler" in html and "Königsallee 12" in html
    assert html.index(second.number) < html.index(first.number)
    assert other.number not in html


def test_customer_detail_caps_orders(client_in, monkeypatch):
    monkeypatch.setattr(views, "CUSTOMER_ORDERS_SHOWN", 2)
    for _ in range(3):
        make_order(email="zora@example.com")
    number = Customer.objects.get().number
    response = client_in.get(f"/customers/{number}/")
    assert len(response.context["orders"]) == 2
    assert "Only the latest 2 orders are shown." in response.content.decode()


@pytest.mark.parametrize("number", ["K-999999", "garbage"])
def test_unknown_customer_is_404(client_in, number):
    assert client_in.get(f"/customers/{number}/").status_code == 404
