"""The quote pages: list, create with lines, edit only drafts, send, accept, decline, PDF."""

import pytest

from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import Quote, SalesOrder
from kontorhaus.sales.tests.factories_quotes import make_customer, make_quote, two_articles

pytestmark = pytest.mark.django_db


def _form(customer, *rows, **head) -> dict:
    data = {"customer": customer, "valid_until": "2099-12-31", "language": "de", "discount_percent": "5",
            "payment_method": "invoice", "intro": "", "notes": "",
            "lines-TOTAL_FORMS": str(len(rows) + 1), "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "500"}
    for i, (sku, qty, price, pct) in enumerate(rows):
        data.update({f"lines-{i}-sku": sku, f"lines-{i}-quantity": qty, f"lines-{i}-unit_price": price,
                     f"lines-{i}-discount_percent": pct})
    data.update({f"lines-{len(rows)}-sku": "", f"lines-{len(rows)}-quantity": "1"})  # an empty row: ignored
    data.update(head)
    return data


def test_create_a_quote_with_two_lines_and_see_its_totals(client_in):
    two_articles()
    customer = make_customer()
    response = client_in.post("/quotes/new/", _form(customer.number, ("DESK", "3", "100.00", "10"),
                                                    ("BOOK", "2", "", "")))
    quote = Quote.objects.get()
    assert response.status_code == 302 and response.url == f"/quotes/{quote.number}/"
    assert quote.total_net.to_eng_string() == "303.98"  # 85.50 x 3 + 23.7405 x 2 (book at its net price 24.99)
    page = client_in.get(response.url).content.decode()
    assert "303.98" in page.replace(",", ".") or "303,98" in page
    assert quote.number in client_in.get("/quotes/?q=Muster").content.decode()


def test_invalid_form_shows_errors_and_stores_nothing(client_in):
    two_articles()
    make_customer()
    response = client_in.post("/quotes/new/", _form("nobody@example.com", ("NOPE", "1", "", "")))
    assert response.status_code == 422
    page = response.content.decode()
    assert "No customer with this number" in page and "Unknown SKU NOPE" in page
    assert not Quote.objects.exists()
    no_lines = client_in.post("/quotes/new/", _form("einkauf@example.com"))
    assert no_lines.status_code == 422 and "at least one line" in no_lines.content.decode()


def test_edit_send_accept(client_in, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    two_articles()
    quote = make_quote()
    edit = client_in.post(f"/quotes/{quote.number}/edit/", _form(quote.customer.number, ("DESK", "2", "50", "")))
    assert edit.status_code == 302
    quote.refresh_from_db()
    assert str(quote.total_net) == "95.00"  # 2 x 50.00 less 5 %
    assert client_in.post(f"/quotes/{quote.number}/send/").status_code == 302
    assert OutgoingEmail.objects.filter(template="quote", related_ref=quote.number).exists()
    # a sent quote is no longer editable
    assert client_in.get(f"/quotes/{quote.number}/edit/").status_code == 302
    accepted = client_in.post(f"/quotes/{quote.number}/accept/")
    order = SalesOrder.objects.get()
    assert accepted.url == f"/orders/{order.number}/"
    again = client_in.post(f"/quotes/{quote.number}/accept/")
    assert again.url == f"/orders/{order.number}/" and SalesOrder.objects.count() == 1


def test_decline_and_pdf_preview(client_in):
    two_articles()
    quote = make_quote()
    pdf = client_in.get(f"/quotes/{quote.number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    client_in.post(f"/quotes/{quote.number}/decline/")
    quote.refresh_from_db()
    assert quote.status == "declined"
    refused = client_in.post(f"/quotes/{quote.number}/accept/", follow=True)
    assert "cannot be accepted" in refused.content.decode()
    assert client_in.get("/quotes/AN-0000-000000/").status_code == 404


def test_article_price_prefill(client_in):
    two_articles()
    net = client_in.get("/quotes/article-price/", {"lines-3-sku": "DESK"}).content.decode()
    gross = client_in.get("/quotes/article-price/", {"lines-3-sku": "DESK", "prices_include_vat": "on"})
    assert 'name="lines-3-unit_price"' in net and 'value="100.00"' in net
    assert 'value="119.00' in gross.content.decode()
    assert "Unknown SKU" in client_in.get("/quotes/article-price/", {"lines-0-sku": "X"}).content.decode()
