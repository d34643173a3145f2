"""Just enough PDF reading for tests (no pikepdf/pypdf): inflate streams and look inside."""

import re
import zlib


def pdf_chunks(pdf: bytes) -> list[bytes]:
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return chunks


def page_count(pdf: bytes) -> int:
    return sum(len(re.findall(rb"/Type\s*/Page(?![s\w])", chunk)) for chunk in pdf_chunks(pdf))


def pdfa_part(pdf: bytes) -> str:
    for chunk in pdf_chunks(pdf):
        found = re.search(rb"pdfaid:part(?:>|=\")(\d)", chunk)
        if found:
            return found.group(1).decode()
    return ""


def pdfa_conformance(pdf: bytes) -> str:
    for chunk in pdf_chunks(pdf):
        found = re.search(rb"pdfaid:conformance(?:>|=\")(\w)", chunk)
        if found:
            return found.group(1).decode()
    return ""
