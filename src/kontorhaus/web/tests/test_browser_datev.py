"""The DATEV export in a real browser: log in, export October, download the file."""

import datetime as dt
import re
from pathlib import Path

import pytest

from kontorhaus.billing.datev.tests.factories import catalogue, on_day, order, rows
from kontorhaus.core import clock

from .factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def _october():
    catalogue()
    _, invoice = order("AT", day=dt.date(2026, 10, 5), name="Jürgen Müßig")
    on_day(dt.date(2026, 11, 5))
    yield invoice
    clock.unfreeze()


def test_export_october_and_download_the_file(browser_page, _october):
    # given a clerk on the German back office
    page = browser_page
    UserFactory(username="anna")
    page.goto("/accounting/datev/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/accounting/datev/$"))
    assert page.locator("h1").inner_text() == "DATEV-Export"
    # when October is exported
    page.fill("#id_date_from", "2026-10-01")
    page.fill("#id_date_to", "2026-10-31")
    page.select_option("#id_chart", "skr04")
    page.click("button[type=submit].primary")
    # then the file is listed
    page.locator(".message.success").wait_for()
    link = page.locator("a[download]")
    assert link.inner_text() == "EXTF_Buchungsstapel_20261001_20261031_skr04.csv"
    # when it is downloaded
    with page.expect_download() as info:
        link.click()
    download = info.value
    content = Path(download.path()).read_bytes()
    # then it is the Buchungsstapel: cp1252, the OSS booking on SKR04's account with Austria's rate
    assert download.suggested_filename == "EXTF_Buchungsstapel_20261001_20261031_skr04.csv"
    table = rows(content)
    assert table[0][:5] == ["EXTF", "700", "21", "Buchungsstapel", "13"]
    assert (table[2][7], table[2][10], table[2][39], table[2][40]) == ("4320", _october.number, "AT", "20,00")
    assert "Müßig".encode("cp1252") in content
