"""An issued invoice or credit note cannot be changed or deleted by any path: the model,
a queryset, raw SQL, the admin or the API. Only its status moves (cancellation)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from kontorhaus.billing.models import CreditNote, Invoice, InvoiceLine
from kontorhaus.billing.selectors import invoice_for_order
from kontorhaus.billing.services import credit_note_issue_cancellation
from kontorhaus.core.exceptions import DocumentImmutable
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice():
    make_article(stock=10)
    return invoice_for_order(order_number=place_order().order.number)


def _refused(statement: str, params: list) -> None:
    with pytest.raises(DatabaseError, match="issued document"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_queryset_update_or_delete_is_refused_by_the_database(invoice):
    with pytest.raises(DatabaseError, match="issued document"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(total_gross=Decimal("1.00"))
    with pytest.raises(DatabaseError, match="protected foreign keys"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).delete()  # refused by Django before the database
    with pytest.raises(DatabaseError, match="issued document"), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).delete()
    with pytest.raises(DatabaseError, match="issued document"), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(name="anders")
    assert Invoice.objects.get(pk=invoice.pk).total_gross == invoice.total_gross


@pytest.mark.parametrize("statement", [
    "UPDATE billing_invoice SET total_gross = 0 WHERE id = %s",
    "UPDATE billing_invoice SET number = 'RE-FAKE' WHERE id = %s",
    "UPDATE billing_invoice SET buyer = '{}' WHERE id = %s",
    "DELETE FROM billing_invoice WHERE id = %s",
    "UPDATE billing_invoiceline SET quantity = 99 WHERE invoice_id = %s",
    "DELETE FROM billing_invoiceline WHERE invoice_id = %s",
])
def test_raw_sql_cannot_change_or_delete_an_invoice(invoice, statement):
    _refused(statement, [invoice.pk])
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert (fresh.number, fresh.total_gross, fresh.lines.count()) == (invoice.number, invoice.total_gross, 2)


def test_a_credit_note_is_guarded_like_the_invoice(invoice):
    note = credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    note.total_gross = Decimal("0.01")
    with pytest.raises(DocumentImmutable):
        note.save()
    _refused("UPDATE billing_creditnote SET total_gross = 0 WHERE id = %s", [note.pk])
    _refused("DELETE FROM billing_creditnote WHERE id = %s", [note.pk])
    assert CreditNote.objects.get(pk=note.pk).total_gross == invoice.total_gross


def test_the_status_still_moves_through_the_state_machine(invoice):
    # when the invoice is cancelled (status and cancellation time are the only mutable columns)
    credit_note_issue_cancellation(invoice=invoice, reason="Storno", actor=TESTER)
    # then the database let that through
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"


def test_the_admin_shows_invoices_read_only(client, invoice):
    admin = get_user_model().objects.create_superuser("chef", password="pw-123456")  # noqa: S106
    client.force_login(admin)
    url = f"/admin/billing/invoice/{invoice.pk}/change/"
    page = client.get(url)
    posted = client.post(url, {"number": "RE-FAKE", "total_gross": "1.00"})
    deleted = client.post(f"/admin/billing/invoice/{invoice.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200 and "RE-FAKE" not in page.content.decode()
    assert posted.status_code == 403 and deleted.status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).number == invoice.number


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_offers_no_way_to_change_an_invoice(api_client, invoice, method):
    response = getattr(api_client, method)(f"/api/v1/invoices/{invoice.number}/pdf")
    assert response.status_code == 405
    assert Invoice.objects.get(pk=invoice.pk).total_gross == invoice.total_gross
