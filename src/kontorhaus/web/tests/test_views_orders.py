import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.web import views

from .factories import ACTOR, T0, make_article, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return [make_article("TSHIRT-M", stock=50), make_article("BOOK-1", name="Kochbuch", price="24.00",
                                                             vat_class="reduced", stock=1)]


@pytest.mark.parametrize("url", ["/", "/orders/", "/orders/AU-2026-000001/", "/invoices/RE-2026-000001.pdf",
                                 "/credit-notes/GS-2026-000001.pdf", "/articles/", "/articles/new/",
                                 "/articles/X/edit/", "/customers/", "/customers/K-000001/"])
def test_every_page_requires_login(client, url):
    # when
    response = client.get(url)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_login_page_logs_in_and_lands_on_orders(client, user):
    # when
    response = client.post("/login/", {"username": "clerk", "password": "correct horse battery"})

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:order_list")


def test_wrong_password_shows_the_login_page_again(client, user):
    response = client.post("/login/", {"username": "clerk", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post(client_in):
    response = client_in.post("/logout/")
    assert response.status_code == 302
    assert client_in.get("/orders/").status_code == 302


# --- order list ---------------------------------------------------------------------------


def test_order_list_is_newest_first_with_states(client_in, articles):
    # given
    older = make_order(placed_at=T0, name="Anna Alt")
    newer = make_order(placed_at=T0 + dt.timedelta(days=1), name="Nina Neu", paid=True)

    # when
    response = client_in.get("/orders/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(newer.number) < html.index(older.number)
    assert "Nina Neu" in html and "Anna Alt" in html
    assert 'badge badge-paid">Paid<' in html
    assert 'badge badge-unpaid">Unpaid<' in html
    assert "€" in html and "24.89" in html  # 19.99 + 4.90 shipping


@pytest.mark.parametrize("search", ["__number__", "EXT-SEARCH-1", "Zora", "zora@example.com"])
def test_order_list_search(client_in, articles, search):
    # given
    wanted = make_order(name="Zora Ziegler", email="zora@example.com", external_id="EXT-SEARCH-1")
    other = make_order(name="Otto Other", email="otto@example.com")

    # when
    response = client_in.get("/orders/", {"q": wanted.number if search == "__number__" else search})

    # then
    html = response.content.decode()
    assert wanted.number in html
    assert other.number not in html


def test_order_list_filters_by_payment_and_status(client_in, articles):
    # given
    paid = make_order(paid=True)
    unpaid = make_order()
    cancelled = make_order()
    order_cancel(order=cancelled, actor=ACTOR)

    # when
    by_payment = client_in.get("/orders/", {"payment_state": "paid"}).content.decode()
    by_status = client_in.get("/orders/", {"status": "cancelled"}).content.decode()

    # then
    assert paid.number in by_payment and unpaid.number not in by_payment
    assert cancelled.number in by_status and unpaid.number not in by_status and paid.number not in by_status


def test_order_list_filters_by_fulfillment_state(client_in, articles):
    order = make_order()
    assert order.number in client_in.get("/orders/", {"fulfillment_state": "unfulfilled"}).content.decode()
    assert order.number not in client_in.get("/orders/", {"fulfillment_state": "shipped"}).content.decode()


def test_order_list_date_range_uses_the_company_day(client_in, articles):
    # given: 23:30 UTC on 1 March is already 2 March in Berlin
    late = make_order(placed_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    early = make_order(placed_at=dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC))

    # when
    march = client_in.get("/orders/", {"placed_from": "2026-03-02", "placed_to": "2026-03-02"}).content.decode()
    february = client_in.get("/orders/", {"placed_to": "2026-03-01"}).content.decode()

    # then
    assert late.number in march and early.number not in march
    assert early.number in february and late.number not in february


def test_invalid_date_is_reported_and_ignored(client_in, articles):
    order = make_order()
    response = client_in.get("/orders/", {"placed_from": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in html
    assert order.number in html


def test_htmx_request_gets_only_the_results_partial(client_in, articles, htmx_headers):
    # given
    order = make_order(name="Zora Ziegler")

    # when
    response = client_in.get("/orders/", {"q": "Zora"}, **htmx_headers)

    # then
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and "<form" not in html
    assert order.number in html
    assert "HX-Request" in response["Vary"]


def test_keyset_pages_follow_each_other_without_overlap(client_in, articles, monkeypatch):
    # given: five orders, two per page, two of them at the same moment
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    orders = [make_order(placed_at=T0 + dt.timedelta(hours=h)) for h in (0, 1, 1, 2, 3)]
    expected = [o.number for o in sorted(orders, key=lambda o: (o.placed_at, o.pk), reverse=True)]

    # when: follow the "next page" links
    seen, params = [], {}
    for _ in range(5):
        response = client_in.get("/orders/", params)
        page = response.context["page"]
        seen += [o.number for o in page.items]
        if not page.next_cursor:
            break
        params = {"after": page.next_cursor}

    # then
    assert seen == expected


def test_next_page_link_keeps_the_filters(client_in, articles, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    make_order(paid=True)
    make_order(paid=True)
    html = client_in.get("/orders/", {"payment_state": "paid"}).content.decode()
    assert "?payment_state=paid&amp;after=" in html


def test_order_list_queries_do_not_grow_and_never_count(client_in, articles, django_assert_num_queries):
    # given
    for _ in range(3):
        make_order()
    with CaptureQueriesContext(connection) as few:
        client_in.get("/orders/")
    for _ in range(7):
        make_order()

    # when / then: session, user, one page read (a text search first tries it as an external
    # id, on its index, before searching names)
    with django_assert_num_queries(len(few.captured_queries) + 1) as many:
        client_in.get("/orders/", {"q": "Erika", "payment_state": "unpaid"})
    assert len(few.captured_queries) == 3
    assert not any("COUNT(" in q["sql"].upper() for q in many.captured_queries)


# --- order detail -------------------------------------------------------------------------


def test_order_detail_shows_everything(client_in, articles):
    # given
    order = make_order(("TSHIRT-M", 2, "19.99"), ("BOOK-1", 3, "24.00"), paid=True, company="Muster GmbH")
    invoice = invoice_for_order(order_number=order.number)

    # when
    response = client_in.get(f"/orders/{order.number}/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert order.external_id in html
    assert f'href="/customers/{order.customer.number}/"' in html
    assert "Königsallee 12" in html and "Muster GmbH" in html
    assert "TSHIRT-M" in html and "Kochbuch" in html
    # lines: 2 reserved for the shirt; only 1 book in stock, 2 backordered
    lines = response.context["lines"]
    assert [(line.sku, line.reserved_quantity, line.backordered_quantity) for line in lines[:2]] == [
        ("TSHIRT-M", 2, 0), ("BOOK-1", 1, 2)]
    assert "19 %" in html and "7 %" in html
    assert order.total_gross == Decimal("116.88")
    assert "€116.88" in html
    assert f'href="/invoices/{invoice.number}.pdf"' in html
    assert "Order confirmation" in html and "erika@example.com" in html
    assert "Order placed" in html and "Invoice issued" in html and "Payment recorded" in html
    assert "test:web" in html
    # the customer's portal view of this order, for support
    portal = response.context["portal_link"]
    assert 'id="portal-link"' in html and client_in.get(portal).status_code == 200
    assert order.number in client_in.get(portal).content.decode()


def test_order_detail_of_cancelled_order_lists_the_credit_note(client_in, articles):
    order = make_order()
    order_cancel(order=order, actor=ACTOR, reason="customer asked")
    html = client_in.get(f"/orders/{order.number}/").content.decode()
    assert "Cancelled by credit note" in html
    assert "/credit-notes/GS-" in html
    assert "Order cancelled" in html


def test_unknown_order_is_404(client_in):
    assert client_in.get("/orders/AU-2026-999999/").status_code == 404


def test_order_detail_query_count_does_not_grow_with_lines_or_events(client_in, articles,
                                                                     django_assert_num_queries):
    # given
    small = make_order(("TSHIRT-M", 1, "19.99"))
    big = make_order(*[("TSHIRT-M", 1, "19.99"), ("BOOK-1", 2, "24.00")] * 4, paid=True)
    order_cancel(order=big, actor=ACTOR)  # more events, a credit note, another e-mail

    # when / then: session, user, order+customer, lines, invoice, credit notes, payments, e-mails,
    # digital delivery, shipments, refunds, payments to refund, events
    with django_assert_num_queries(13):
        client_in.get(f"/orders/{small.number}/")
    with django_assert_num_queries(13):
        client_in.get(f"/orders/{big.number}/")


# --- PDFs ---------------------------------------------------------------------------------


def test_invoice_pdf_is_rendered_on_demand(client_in, articles):
    # given
    order = make_order()
    invoice = invoice_for_order(order_number=order.number)

    # when
    response = client_in.get(f"/invoices/{invoice.number}.pdf")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]


def test_credit_note_pdf(client_in, articles):
    order = make_order()
    order_cancel(order=order, actor=ACTOR)
    note_number = client_in.get(f"/orders/{order.number}/").context["credit_notes"][0].number
    response = client_in.get(f"/credit-notes/{note_number}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_unknown_invoice_pdf_is_404(client_in):
    assert client_in.get("/invoices/RE-2026-999999.pdf").status_code == 404
    assert client_in.get("/credit-notes/GS-2026-999999.pdf").status_code == 404
