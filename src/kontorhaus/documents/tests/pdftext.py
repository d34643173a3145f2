"""Text of a PDF for tests: the glyph codes of each text operator mapped back through the
font's ToUnicode CMap (pikepdf reads the objects; Typst writes one CMap per font)."""

import io
import re

import pikepdf


def _cmap(font: pikepdf.Dictionary) -> dict[bytes, str]:
    if "/ToUnicode" not in font:
        return {}
    data = font.ToUnicode.read_bytes().decode("latin-1")
    mapping: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start, width, base = int(lo, 16), len(lo) // 2, int(dst, 16)
            for offset in range(int(hi, 16) - start + 1):
                mapping[(start + offset).to_bytes(width, "big")] = chr(base + offset)
    return mapping


def _decode(raw: bytes, cmap: dict[bytes, str]) -> str:
    width = len(next(iter(cmap))) if cmap else 1
    return "".join(cmap.get(raw[i:i + width], "") for i in range(0, len(raw), width))


def pdf_text(pdf: bytes) -> str:
    """All text, one line per text-showing operator group (good enough for `in` checks)."""
    out: list[str] = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            out += _page_lines(page)
    return "\n".join(out)


def _shown(operands: list, cmap: dict[bytes, str]) -> str:
    text = ""
    for item in operands[0]:
        if isinstance(item, pikepdf.String):
            text += _decode(bytes(item), cmap)
        elif float(item) < -200:  # a wide gap is a space
            text += " "
    return text


def _page_lines(page: pikepdf.Page) -> list[str]:
    fonts = page.Resources.get("/Font", {})
    cmaps = {str(name): _cmap(fonts[name]) for name in fonts.keys()}  # noqa: SIM118
    cmap: dict[bytes, str] = {}
    lines, line = [], ""
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf":
            cmap = cmaps.get(str(operands[0]), {})
        elif op == "Tj":
            line += _decode(bytes(operands[0]), cmap)
        elif op == "TJ":
            line += _shown(operands, cmap)
        elif op in ("ET", "Td", "TD", "T*", "Tm") and line:
            lines.append(line)
            line = ""
    return [*lines, line] if line else lines
