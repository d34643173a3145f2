"""The file format against DATEV's own sample (EXTF_Buchungsstapel.csv, format version 13) and
the column list of the shared fixtures: header positions, column titles, quoting, encoding."""

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kontorhaus.billing.datev.writer import (
    COLUMNS,
    TEXT_COLUMNS,
    Booking,
    Header,
    belegfeld,
    buchungsstapel,
    cp1252_text,
)
from kontorhaus.core.exceptions import InvalidInput

FIXTURES = Path(__file__).resolve().parents[6] / "shared" / "fixtures" / "05-datev"
SAMPLE = FIXTURES / "datev-musterdaten-via-php-financial-formats" / "EXTF_Buchungsstapel.csv"
COLUMN_LIST = FIXTURES / "column-list-buchungsstapel-v700-fv13.tsv"
needs_fixtures = pytest.mark.skipif(not SAMPLE.exists(), reason="needs the shared fixtures in ../shared/fixtures")

BERLIN = ZoneInfo("Europe/Berlin")
HEADER = Header(created_at=dt.datetime(2026, 11, 2, 14, 4, 40, 439000, tzinfo=BERLIN), exported_by="clerk",
                consultant=29098, client=55003, fiscal_year_start=dt.date(2026, 1, 1), account_length=4,
                date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31), label="Kontorhaus 01.10.-31.10.2026",
                chart="03")
BOOKING = Booking(amount=Decimal("119.00"), debit_credit="S", account="10000", contra_account="8400",
                  document_date=dt.date(2026, 10, 5), document_number="RE-2026-000001",
                  text='RE-2026-000001 Jürgen "Jogi" Müßig')


def _raw_fields(line: str) -> list[str]:
    """Fields as written (quotes kept), to tell "" (empty text) from nothing (empty number)."""
    fields, current, quoted = [], "", False
    for char in line:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            fields.append(current)
            current = ""
        else:
            current += char
    return [*fields, current]


def _sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def _our_lines(*bookings: Booking) -> list[str]:
    return buchungsstapel(HEADER, bookings or [BOOKING]).decode("cp1252").split("\r\n")


@needs_fixtures
def test_the_header_has_datevs_31_fields_quoted_position_by_position():
    # given DATEV's sample header and ours
    sample, ours = _raw_fields(_sample_lines()[0]), _raw_fields(_our_lines()[0])
    # then the same number of fields, each quoted (text) or bare (number, date, empty) alike
    assert len(ours) == len(sample) == 31
    assert [f.startswith('"') for f in ours] == [f.startswith('"') for f in sample]
    # and the fixed fields are DATEV's: EXTF 700, category 21 Buchungsstapel, format version 13
    assert ours[:5] == sample[:5] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13"]
    assert ours[5] == "20261102140440439" and len(sample[5]) == 17  # Erzeugt am, with milliseconds
    assert ours[6] == sample[6] == ""  # Importiert: DATEV's own
    assert ours[7:14] == ['"RE"', '"clerk"', '""', "29098", "55003", "20260101", "4"]
    assert ours[14:16] == ["20261001", "20261031"]
    assert ours[18:22] == ["1", "0", "0", '"EUR"']  # Finanzbuchführung, Zweck, not festgeschrieben, WKZ
    assert ours[26] == '"03"'


@needs_fixtures
def test_the_column_titles_are_the_125_of_format_version_13():
    listed = [line.split("\t")[1] for line in COLUMN_LIST.read_text(encoding="utf-8").splitlines()[1:]]
    assert list(COLUMNS) == listed
    assert _our_lines()[1] == _sample_lines()[1]  # byte for byte, DATEV's inconsistent spelling too


@needs_fixtures
def test_a_booking_line_has_125_fields_quoted_like_datevs_sample_rows():
    # given DATEV's sample rows: which columns are text (quoted even when empty)
    sample_rows = [_raw_fields(line) for line in _sample_lines()[2:] if line]
    quoted_in_sample = {i + 1 for row in sample_rows for i, f in enumerate(row) if f.startswith('"')}
    # when
    ours = _raw_fields(_our_lines()[2])
    # then
    assert {len(row) for row in sample_rows} == {len(ours)} == {125}
    assert {i + 1 for i, f in enumerate(ours) if f.startswith('"')} == TEXT_COLUMNS
    assert quoted_in_sample - {44} <= TEXT_COLUMNS  # 44: DATEV's sample has it both ways
    # and the values
    assert ours[0:3] == ["119,00", '"S"', '"EUR"']
    assert ours[6:11] == ["10000", "8400", '""', "0510", '"RE-2026-000001"']
    assert ours[13] == '"RE-2026-000001 Jürgen ""Jogi"" Müßig"'


def test_the_file_is_cp1252_with_crlf_and_parses_back_with_csv():
    # when
    content = buchungsstapel(HEADER, [BOOKING])
    # then: umlauts as single Windows-1252 bytes, every line ends in CRLF, no bare LF
    assert "Jürgen".encode("cp1252") in content and "Jürgen".encode() not in content
    assert b"\xfc" in content and b"\xdf" in content  # ü, ß
    assert content.endswith(b"\r\n") and content.count(b"\n") == content.count(b"\r\n") == 3
    rows = list(csv.reader(io.StringIO(content.decode("cp1252"), newline=""), delimiter=";"))
    assert [len(r) for r in rows] == [31, 125, 125]
    assert rows[2][13] == 'RE-2026-000001 Jürgen "Jogi" Müßig'


def test_text_is_transliterated_to_cp1252_never_replaced_by_question_marks():
    assert cp1252_text("Łukasz Wałęsa – Kraków", 60) == "Lukasz Walesa – Kraków"
    assert cp1252_text("Zoë\r\nMüller\t\x00", 60) == "Zoë Müller"
    assert cp1252_text("東京 Shop", 60) == "Shop"
    assert cp1252_text("x" * 80, 60) == "x" * 60
    assert belegfeld("RE 2026_000.1/ä") == "RE20260001/"


def test_amounts_use_a_decimal_comma_and_are_positive():
    line = _our_lines(Booking(**{**BOOKING.__dict__, "amount": Decimal("1234567.5")}))[2]
    assert line.startswith("1234567,50;")
    for bad in (Decimal("0"), Decimal("-1.00"), Decimal("1.005")):
        with pytest.raises(InvalidInput):
            buchungsstapel(HEADER, [Booking(**{**BOOKING.__dict__, "amount": bad})])


def test_eu_columns_and_service_date():
    booking = Booking(**{**BOOKING.__dict__, "contra_account": "8320", "bu_key": "240", "eu_id": "AT",
                         "eu_rate": Decimal("20.00"), "origin_id": "DE123456788",
                         "service_date": dt.date(2026, 10, 4)})
    fields = _raw_fields(_our_lines(booking)[2])
    assert (fields[8], fields[39], fields[40]) == ('"240"', '"AT"', "20,00")
    assert fields[114] == "04102026" and fields[122] == '"DE123456788"'
