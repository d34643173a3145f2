"""The DATEV export page: create, the "already exported" note, download, bad input."""

import datetime as dt

import pytest

from kontorhaus.billing.datev.tests.factories import catalogue, on_day, order, rows
from kontorhaus.billing.models_datev import DatevExport
from kontorhaus.core import clock

pytestmark = pytest.mark.django_db
OCTOBER = {"date_from": "2026-10-01", "date_to": "2026-10-31", "chart": "skr03"}


@pytest.fixture(autouse=True)
def _october():
    catalogue()
    order(day=dt.date(2026, 10, 5), name="Jürgen Müßig")
    on_day(dt.date(2026, 11, 5))
    yield
    clock.unfreeze()


def test_export_a_period_download_it_and_see_it_marked_when_exported_again(client_in):
    # when the period is exported from the page
    response = client_in.post("/accounting/datev/", OCTOBER, follow=True)
    # then the file is listed with its download
    page = response.content.decode()
    export = DatevExport.objects.get()
    assert "DATEV file EXTF_Buchungsstapel_20261001_20261031_skr03.csv created: 1 documents, 1 bookings." in page
    assert "already exported" not in page
    download = client_in.get(f"/accounting/datev/{export.pk}/download/")
    assert download["Content-Type"] == "text/csv; charset=windows-1252"
    assert download["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert rows(download.content)[2][13].endswith("Jürgen Müßig") and b"M\xfc\xdfig" in download.content
    # when the same period is exported again
    page = client_in.post("/accounting/datev/", OCTOBER, follow=True).content.decode()
    # then the page says when and by whom it was exported before, and marks the new row
    assert "This period was already exported:" in page and "by clerk" in page
    assert page.count(">exported again<") == 1
    assert DatevExport.objects.count() == 2


@pytest.mark.parametrize(("post", "message"), [
    ({**OCTOBER, "date_to": "2026-13-01"}, "Enter a valid date."),
    ({**OCTOBER, "date_from": "2026-11-01"}, "starts"),
    ({**OCTOBER, "date_to": "2026-12-31"}, "future"),
    ({**OCTOBER, "date_from": "2025-10-01"}, "two fiscal years"),
    ({**OCTOBER, "chart": "skr99"}, "Select a valid choice."),
    ({**OCTOBER, "date_from": "2026-09-01", "date_to": "2026-09-30"}, "No invoices or credit notes in this period"),
])
def test_bad_input_on_the_page_shows_why_and_stores_nothing(client_in, post, message):
    response = client_in.post("/accounting/datev/", post)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not DatevExport.objects.exists()


def test_the_page_lists_the_exports_in_few_queries(client_in, django_assert_max_num_queries):
    for _ in range(3):
        client_in.post("/accounting/datev/", OCTOBER)
    with django_assert_max_num_queries(6):  # session, user, exports (with the "exported before" mark)
        page = client_in.get("/accounting/datev/").content.decode()
    assert page.count("/download/") == 3 and page.count(">exported again<") == 2


def test_the_page_and_downloads_need_a_login(client):
    assert client.get("/accounting/datev/").status_code == 302
    assert client.get("/accounting/datev/1/download/").status_code == 302


def test_an_unknown_export_is_404(client_in):
    assert client_in.get("/accounting/datev/999/download/").status_code == 404


def test_the_german_page(client_in):
    page = client_in.get("/accounting/datev/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "DATEV-Export" in page and "Kontenrahmen" in page
