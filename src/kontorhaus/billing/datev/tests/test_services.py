"""`datev_export_create` on invoices and credit notes made by the real order intake: accounts per
VAT case and chart, the EU columns, reversed credit notes, period selection, re-export."""

import datetime as dt

import pytest
from django.test import override_settings

from kontorhaus.billing.datev.services import NothingToExport, datev_export_create
from kontorhaus.billing.models_datev import DatevExport
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import CompanyProfile
from kontorhaus.sales.tests.factories import TESTER

from .factories import AT_COMPANY_VAT_ID, OCTOBER, cancel, catalogue, on_day, order, partial_credit, rows

pytestmark = pytest.mark.django_db
DATEV = {"CONSULTANT": 29098, "CLIENT": 55003, "CHART": "skr03", "FISCAL_YEAR_START": "01-01",
         "ACCOUNT_LENGTH": 4, "DEBTOR": "collective", "DEBTOR_ACCOUNT": 10000, "ACCOUNTS": {}, "BU_KEYS": {}}
# Columns (0-based) of a booking row.
AMOUNT, SH, WKZ, KONTO, GEGENKONTO, BU, DATUM, BELEG, TEXT, EU_ID, EU_RATE, LEISTUNG, ORIGIN = (
    0, 1, 2, 6, 7, 8, 9, 10, 13, 39, 40, 114, 122)


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "DATEV": DATEV}
    catalogue()
    yield
    clock.unfreeze()


def _export(chart="skr03", period=OCTOBER, today=dt.date(2026, 11, 5)) -> DatevExport:
    on_day(today)
    return datev_export_create(date_from=period[0], date_to=period[1], chart=chart, actor=TESTER)


def _bookings(export: DatevExport) -> list[tuple]:
    return [(r[AMOUNT], r[SH], r[KONTO], r[GEGENKONTO], r[BU], r[EU_ID], r[EU_RATE])
            for r in rows(bytes(export.content))[2:]]


@pytest.mark.parametrize(("chart", "revenue_19", "revenue_7"), [("skr03", "8400", "8300"), ("skr04", "4400", "4300")])
def test_domestic_invoice_books_each_rate_on_its_automatic_account(chart, revenue_19, revenue_7):
    # given an invoice with 19 % and 7 % goods on 5 October
    _, invoice = order(day=dt.date(2026, 10, 5), lines=(("SHIRT", 1, "119.00"), ("TEA", 1, "10.70")),
                       shipping="4.90", name="Jürgen Müßig")
    # when
    export = _export(chart)
    # then one booking per rate: gross on the debtor (S) against the revenue account, no BU key
    assert _bookings(export) == [("123,90", "S", "10000", revenue_19, "", "", ""),
                                 ("10,70", "S", "10000", revenue_7, "", "", "")]
    row = rows(bytes(export.content))[2]
    assert (row[DATUM], row[BELEG], row[WKZ], row[LEISTUNG]) == ("0510", invoice.number, "EUR", "05102026")
    assert row[TEXT] == f"{invoice.number} Jürgen Müßig"
    assert "Müßig".encode("cp1252") in bytes(export.content)
    assert (export.documents, export.bookings, export.chart) == (1, 2, chart)


@pytest.mark.parametrize(("chart", "oss"), [("skr03", "8320"), ("skr04", "4320")])
def test_oss_books_per_destination_rate_with_eu_land_and_eu_steuersatz(chart, oss):
    # given an Austrian consumer: AT 20 % for the shirt, 10 % for the book (OSS)
    _, invoice = order("AT", lines=(("SHIRT", 1, "119.00"), ("BOOK", 1, "22.00")))
    # when
    export = _export(chart)
    # then
    assert _bookings(export) == [("119,00", "S", "10000", oss, "240", "AT", "20,00"),
                                 ("22,00", "S", "10000", oss, "240", "AT", "10,00")]
    assert rows(bytes(export.content))[2][ORIGIN] == invoice.seller["vat_id"] == "DE123456788"  # Ursprung


@pytest.mark.parametrize(("chart", "account"), [("skr03", "8125"), ("skr04", "4125")])
def test_intra_community_supply_carries_the_buyers_vat_id(chart, account):
    order("AT", vat_id=AT_COMPANY_VAT_ID, lines=(("SHIRT", 1, "80.00"),))
    assert _bookings(_export(chart)) == [("80,00", "S", "10000", account, "", AT_COMPANY_VAT_ID, "")]


@pytest.mark.parametrize(("chart", "account"), [("skr03", "8120"), ("skr04", "4120")])
def test_export_to_switzerland(chart, account):
    order("CH", lines=(("SHIRT", 1, "100.00"),))
    assert _bookings(_export(chart)) == [("100,00", "S", "10000", account, "", "", "")]


@pytest.mark.parametrize(("chart", "reverse_charge", "outside"), [("skr03", "8336", "8338"),
                                                                  ("skr04", "4336", "4338")])
def test_digital_products_to_eu_businesses_and_outside_the_eu(chart, reverse_charge, outside):
    order("AT", vat_id=AT_COMPANY_VAT_ID, lines=(("EBOOK", 1, "10.00"),))
    order("US", lines=(("EBOOK", 1, "12.00"),))
    assert _bookings(_export(chart)) == [("10,00", "S", "10000", reverse_charge, "", AT_COMPANY_VAT_ID, ""),
                                         ("12,00", "S", "10000", outside, "", "", "")]


@pytest.mark.parametrize(("chart", "account"), [("skr03", "8195"), ("skr04", "4185")])
def test_small_business_revenue(chart, account):
    CompanyProfile.objects.update_or_create(pk=1, defaults={"small_business": True})
    order(lines=(("SHIRT", 1, "50.00"),))
    assert _bookings(_export(chart)) == [("50,00", "S", "10000", account, "", "", "")]


def test_credit_notes_are_booked_reversed_with_their_own_number_and_date():
    # given an invoice of 5 October, partly credited on 10 October and cancelled on 12 October
    sales_order, invoice = order(day=dt.date(2026, 10, 5), lines=(("SHIRT", 1, "119.00"),))
    partial = partial_credit(invoice, "19.00", day=dt.date(2026, 10, 10))
    cancellation = cancel(sales_order, day=dt.date(2026, 10, 12))
    # when
    export = _export()
    # then the credit notes go to the credit side of the debtor (H), each as its own document
    booked = [(r[AMOUNT], r[SH], r[KONTO], r[GEGENKONTO], r[DATUM], r[BELEG]) for r in rows(bytes(export.content))[2:]]
    assert booked == [("119,00", "S", "10000", "8400", "0510", invoice.number),
                      ("19,00", "H", "10000", "8400", "1010", partial.number),
                      ("100,00", "H", "10000", "8400", "1210", cancellation.number)]
    assert rows(bytes(export.content))[4][TEXT].startswith(f"{cancellation.number} zu {invoice.number}")
    assert export.documents == 3


def test_the_period_is_selected_by_issue_date():
    # given invoices on 30 September, 1 October, 31 October and 1 November
    numbers = {day: order(day=day)[1].number for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 1),
                                                          dt.date(2026, 10, 31), dt.date(2026, 11, 1))}
    # when
    export = _export()
    # then only October's
    assert [r[BELEG] for r in rows(bytes(export.content))[2:]] == [numbers[dt.date(2026, 10, 1)],
                                                                 numbers[dt.date(2026, 10, 31)]]
    assert rows(bytes(export.content))[0][14:16] == ["20261001", "20261031"]


def test_a_re_export_of_an_unchanged_period_is_byte_identical_and_marked():
    # given
    order(day=dt.date(2026, 10, 5))
    first = _export(today=dt.date(2026, 11, 5))
    # when the same period is exported again a week later
    again = _export(today=dt.date(2026, 11, 12))
    # then the same bytes (the header keeps the first "Erzeugt am"), two export records
    assert bytes(again.content) == bytes(first.content) and again.sha256 == first.sha256
    assert again.header_created_at == first.header_created_at and again.created_at > first.created_at
    assert DatevExport.objects.count() == 2
    # and the other chart is another file
    assert bytes(_export("skr04").content) != bytes(first.content)


def test_a_changed_period_gets_a_new_timestamp():
    order(day=dt.date(2026, 10, 5))
    first = _export(period=(dt.date(2026, 10, 1), dt.date(2026, 10, 20)), today=dt.date(2026, 10, 20))
    order(day=dt.date(2026, 10, 20))
    again = _export(period=(dt.date(2026, 10, 1), dt.date(2026, 10, 20)), today=dt.date(2026, 10, 21))
    assert again.bookings == 2 and again.header_created_at > first.header_created_at


@pytest.mark.parametrize(("period", "message"), [
    ((dt.date(2026, 10, 31), dt.date(2026, 10, 1)), "starts"),
    ((dt.date(2026, 10, 1), dt.date(2026, 11, 30)), "future"),
    ((dt.date(2025, 12, 1), dt.date(2026, 1, 31)), "two fiscal years"),
])
def test_invalid_periods_are_refused_and_nothing_is_stored(period, message):
    order(day=dt.date(2026, 10, 5))
    with pytest.raises(InvalidInput, match=message):
        _export(period=period)
    assert not DatevExport.objects.exists()


def test_a_fiscal_year_from_july_allows_a_period_over_new_year():
    settings_datev = {**DATEV, "FISCAL_YEAR_START": "07-01"}
    order(day=dt.date(2026, 1, 5))
    with override_settings(KONTORHAUS={"DATEV": settings_datev}):
        export = _export(period=(dt.date(2025, 12, 1), dt.date(2026, 1, 31)), today=dt.date(2026, 2, 1))
        with pytest.raises(InvalidInput, match="two fiscal years"):
            _export(period=(dt.date(2026, 6, 1), dt.date(2026, 7, 31)), today=dt.date(2026, 8, 1))
    assert rows(bytes(export.content))[0][12] == "20250701"  # WJ-Beginn


def test_an_empty_period_stores_nothing():
    with pytest.raises(NothingToExport):
        _export()
    assert not DatevExport.objects.exists()


def test_per_customer_debtors_and_longer_accounts_and_overrides():
    # given debtors per customer, Sachkontenlänge 5 and an own OSS account
    datev = {**DATEV, "DEBTOR": "per_customer", "DEBTOR_ACCOUNT": 100000, "ACCOUNT_LENGTH": 5,
             "ACCOUNTS": {"skr03": {"oss": "8321"}}, "BU_KEYS": {"oss": "241"}}
    sales_order, _ = order("AT", lines=(("SHIRT", 1, "119.00"),))
    with override_settings(KONTORHAUS={"DATEV": datev}):
        export = _export()
    number = int(sales_order.customer.number.removeprefix("K-"))
    assert _bookings(export) == [("119,00", "S", str(100000 + number), "83210", "241", "AT", "20,00")]
    assert rows(bytes(export.content))[0][13] == "5"


def test_bad_settings_are_a_clear_error():
    order(day=dt.date(2026, 10, 5))
    with override_settings(KONTORHAUS={"DATEV": {**DATEV, "CONSULTANT": 12}}), \
            pytest.raises(InvalidInput, match="Beraternummer"):
        _export()
    with pytest.raises(InvalidInput, match="skr03 or skr04"):
        _export(chart="skr99")
    assert not DatevExport.objects.exists()
