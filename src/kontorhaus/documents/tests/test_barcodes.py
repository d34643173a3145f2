"""Barcodes: every Code 128 we draw decodes back to its text with a valid check symbol (read
by a small decoder here), and EAN-13 matches the published example."""

import pytest

from kontorhaus.documents.barcodes import (
    _CODE128,
    article_barcode,
    code128_modules,
    ean13_check_digit,
    ean13_modules,
    gtin_as_ean13,
)

SYMBOLS = {pattern: value for value, pattern in enumerate(_CODE128)}


def _decode(modules: str) -> str:
    """Modules -> text, checking start, check symbol and stop (sets B and C)."""
    widths, run = [], 1
    for previous, bit in zip(modules, modules[1:], strict=False):
        if bit == previous:
            run += 1
        else:
            widths.append(str(run))
            run = 1
    widths.append(str(run))
    assert "".join(widths[-7:]) == _CODE128[106]
    values = [SYMBOLS["".join(widths[i:i + 6])] for i in range(0, len(widths) - 7, 6)]
    *data, check = values
    assert check == (data[0] + sum(i * v for i, v in enumerate(data[1:], start=1))) % 103
    text, mode = "", {104: "B", 105: "C"}[data[0]]
    for value in data[1:]:
        if value in (99, 100):
            mode = "C" if value == 99 else "B"
        else:
            text += f"{value:02d}" if mode == "C" else chr(value + 32)
    return text


def test_the_symbol_table_is_complete():
    assert len(_CODE128) == 107
    assert all(sum(map(int, p)) == 11 for p in _CODE128[:106]) and sum(map(int, _CODE128[106])) == 13


@pytest.mark.parametrize("text", ["AU-2026-000123", "TSHIRT-M", "1234", "12345", "KO-2026-000001-T3", "A", "00",
                                  "X1234567Y", "ab cd", "123456789", "A-1234", "SKU 0001"])
def test_code128_round_trips(text):
    assert _decode(code128_modules(text)) == text


def test_digit_runs_are_packed_two_to_a_symbol():
    assert len(code128_modules("AU-2026-000123")) < len(code128_modules("AU-2026-ABCDEF"))


def test_ean13():
    assert ean13_check_digit("400638133393") == 1
    assert ean13_modules("4006381333931") == (
        # 4 | 0 0 6 3 8 1 in L G L L G G | 3 3 3 9 3 1 in R (agrees with python-barcode)
        "101" "0001101" "0100111" "0101111" "0111101" "0001001" "0110011"
        "01010" "1000010" "1000010" "1000010" "1110100" "1000010" "1100110" "101")
    assert gtin_as_ean13("036000291452") == "0036000291452"  # UPC-A
    assert gtin_as_ean13("4006381333932") == ""  # wrong check digit


def test_an_article_prints_its_gtin_as_ean13_else_its_sku_as_code128():
    assert article_barcode(sku="MUG", gtin="4006381333931")[0] == "ean13"
    kind, svg = article_barcode(sku="MUG", gtin="")
    assert kind == "code128" and svg.startswith("<svg") and svg.count("<path") == 1
    assert article_barcode(sku="Größe", gtin="") == ("code128", "")
