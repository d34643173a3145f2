"""Barcodes as SVG for the printed documents (STYLE 22: made here, passed to Typst as data).

Code 128 (sets B and C; C packs digit runs two to a symbol, so an order number like
AU-2026-000123 stays short) for order numbers, SKUs and totes, and EAN-13 for GTINs. A few
dozen lines of tables instead of a dependency: each SVG is one <path>, so a pick list of
hundreds of codes stays small and quick to compile."""

import io
from collections.abc import Iterable

import segno

# Widths (bar, space, bar, ...) of Code 128 symbols 0..106; 103-105 start A/B/C, 106 stop.
_CODE128 = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 "
    "122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 "
    "322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 "
    "112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 "
    "331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 "
    "411311 113141 114131 311141 411131 211412 211214 211232 2331112"
).split()
START_B, START_C, TO_B, TO_C, STOP = 104, 105, 100, 99, 106
QUIET = 10  # modules of white on either side

_EAN_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111",
          "0001011")
_EAN_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _EAN_L)
_EAN_G = tuple(code[::-1] for code in _EAN_R)
_EAN_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL",
               "LGGLGL")


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def code128_values(text: str) -> list[int]:
    """The symbol values of `text`, start, check symbol and stop included. Printable ASCII only
    (ValueError otherwise)."""
    if not text or any(not 32 <= ord(c) <= 126 for c in text):
        raise ValueError("Code 128 here encodes printable ASCII only")
    run = _digit_run(text, 0)
    use_c = run >= 4 or (run == len(text) and run % 2 == 0)
    values, i = [START_C if use_c else START_B], 0
    while i < len(text):
        run = _digit_run(text, i)
        if use_c:
            if run >= 2:
                values.append(int(text[i:i + 2]))
                i += 2
                continue
            values.append(TO_B)
            use_c = False
        if run >= 6 or (run >= 4 and i + run == len(text)):
            if run % 2:  # an odd run: its first digit in set B, the rest in pairs
                values.append(ord(text[i]) - 32)
                i += 1
            values.append(TO_C)
            use_c = True
            continue
        values.append(ord(text[i]) - 32)
        i += 1
    check = (values[0] + sum(position * value for position, value in enumerate(values[1:], start=1))) % 103
    return [*values, check, STOP]


def code128_modules(text: str) -> str:
    """"1" for a dark module, "0" for a light one."""
    return _widths_to_modules("".join(_CODE128[value] for value in code128_values(text)))


def _widths_to_modules(widths: str) -> str:
    return "".join(("1" if index % 2 == 0 else "0") * int(width) for index, width in enumerate(widths))


def ean13_valid(code: str) -> bool:
    if len(code) != 13 or not code.isdigit():
        return False
    return int(code[12]) == ean13_check_digit(code[:12])


def ean13_check_digit(first12: str) -> int:
    total = sum(int(d) * (3 if index % 2 else 1) for index, d in enumerate(first12))
    return (10 - total % 10) % 10


def ean13_modules(code: str) -> str:
    if not ean13_valid(code):
        raise ValueError("not a valid EAN-13")
    parity = _EAN_PARITY[int(code[0])]
    left = "".join((_EAN_L if side == "L" else _EAN_G)[int(d)] for side, d in zip(parity, code[1:7], strict=True))
    right = "".join(_EAN_R[int(d)] for d in code[7:])
    return f"101{left}01010{right}101"


def gtin_as_ean13(gtin: str) -> str:
    """The GTIN as a valid EAN-13 (a 12-digit UPC-A gets its leading zero), or ""."""
    gtin = (gtin or "").strip()
    if len(gtin) == 12 and gtin.isdigit():
        gtin = "0" + gtin
    if len(gtin) == 14 and gtin.startswith("0"):
        gtin = gtin[1:]
    return gtin if ean13_valid(gtin) else ""


def svg(modules: str, *, height: int = 40) -> str:
    """One <path> of the dark runs, in module units (the template sets the printed size)."""
    width = len(modules) + 2 * QUIET
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" shape-rendering="crispEdges">'
            f'<path d="{_path(_runs(modules), height)}" fill="#000"/></svg>')


def _runs(modules: str) -> Iterable[tuple[int, int]]:
    start = None
    for index, bit in enumerate(modules + "0"):
        if bit == "1" and start is None:
            start = index
        elif bit == "0" and start is not None:
            yield start, index - start
            start = None


def _path(runs: Iterable[tuple[int, int]], height: int) -> str:
    return "".join(f"M{QUIET + x} 0h{w}v{height}h-{w}z" for x, w in runs)


def barcode_svg(text: str, *, height: int = 40) -> str:
    """Code 128 of `text` as SVG, or "" when it cannot be encoded."""
    try:
        return svg(code128_modules(text), height=height)
    except ValueError:
        return ""


def article_barcode(*, sku: str, gtin: str, height: int = 40) -> tuple[str, str]:
    """What an article's label carries: (symbology, SVG) — EAN-13 of the GTIN when it has a
    valid one, else Code 128 of the SKU."""
    ean = gtin_as_ean13(gtin)
    if ean:
        return "ean13", svg(ean13_modules(ean), height=height)
    return "code128", barcode_svg(sku, height=height)


def qr_svg(payload: str) -> str:
    """QR code of `payload` (a URL) as SVG: segno, error correction at least M (segno raises
    it when the size allows), the standard four-module quiet zone, one <path>; the template
    sets the printed size. "" for an empty payload."""
    if not payload:
        return ""
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="svg", xmldecl=False, nl=False, svgclass=None,
                                                      lineclass=None)
    return out.getvalue().decode("ascii")
