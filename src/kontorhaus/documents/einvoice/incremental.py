"""Appending factur-x.xml to a PDF as an incremental update (ISO 32000-1, 7.5.6).

Typst writes a classic cross-reference table, its catalog and XMP as plain objects. An update
appends: the embedded file stream, its file specification, the XMP (same object number, new
content, with the Factur-X properties) and the catalog (same object number, with /Names and
/AF added), then a cross-reference section for those four objects whose trailer points back
to the original one (/Prev). PDF/A allows incremental updates; the first /ID stays.

Returns None for any other shape (a shop's template may produce one): the caller rewrites.
"""

import datetime as dt
import hashlib
import re
import zlib
from collections.abc import Callable

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref", re.S)
_REF = rb"/%s\s+(\d+)\s+0\s+R"
_SIZE = re.compile(rb"/Size\s+(\d+)")
_ID = re.compile(rb"/ID\s*\[\s*(\([^)]*\)|<[0-9A-Fa-f]*>)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
DESCRIPTION = b"Factur-X / ZUGFeRD EN 16931 invoice data"


def _xref_offsets(pdf: bytes, start: int) -> dict[int, int] | None:
    """Object number -> offset from the classic table at `start`, or None if it is not one."""
    if pdf[start:start + 4] != b"xref":
        return None
    offsets: dict[int, int] = {}
    position = start + 4
    header = re.compile(rb"\s*(\d+) (\d+)\s*?\r?\n")
    while True:
        found = header.match(pdf, position)
        if found is None:
            return offsets
        first, count = int(found[1]), int(found[2])
        position = found.end()
        for number in range(first, first + count):
            entry = pdf[position:position + 20]
            if len(entry) != 20 or entry[17:18] not in (b"n", b"f"):
                return None
            if entry[17:18] == b"n":
                offsets[number] = int(entry[:10])
            position += 20


def _object_body(pdf: bytes, offset: int, number: int) -> bytes | None:
    head = re.compile(rb"%d\s+0\s+obj\s*" % number)
    found = head.match(pdf, offset)
    if found is None:
        return None
    end = pdf.find(b"endobj", found.end())
    return pdf[found.end():end].rstrip() if end > 0 else None


def _pdf_date(day: dt.date) -> bytes:
    return f"D:{day:%Y%m%d}000000Z".encode()


def incremental_embed(pdf: bytes, xml: bytes, *, issue_date: dt.date, filename: str,
                      rewrite_xmp: Callable[[bytes], bytes]) -> bytes | None:
    tail = _STARTXREF.search(pdf[-64:])
    trailer = _TRAILER.search(pdf, max(0, len(pdf) - 2048))
    if tail is None or trailer is None or b"/Prev" in trailer[1] or b"/Encrypt" in trailer[1]:
        return None
    prev = int(tail[1])
    offsets = _xref_offsets(pdf, prev)
    root_ref = re.search(_REF % b"Root", trailer[1])
    size, first_id = _SIZE.search(trailer[1]), _ID.search(trailer[1])
    if not offsets or root_ref is None or size is None or first_id is None:
        return None
    root = int(root_ref[1])
    catalog = _object_body(pdf, offsets.get(root, -1), root)
    if catalog is None or not (catalog.startswith(b"<<") and catalog.endswith(b">>")) or (
            b"/Names" in catalog or b"/AF" in catalog):
        return None
    metadata_ref = re.search(_REF % b"Metadata", catalog)
    if metadata_ref is None:
        return None
    metadata = int(metadata_ref[1])
    stream = _object_body(pdf, offsets.get(metadata, -1), metadata)
    if stream is None or b"/Filter" in stream.split(b"stream", 1)[0]:
        return None
    length = _LENGTH.search(stream)
    start = stream.find(b"stream") + len(b"stream")
    start += 2 if stream[start:start + 2] == b"\r\n" else 1
    if length is None:
        return None
    xmp = rewrite_xmp(stream[start:start + int(length[1])])

    stamp = _pdf_date(issue_date)
    packed = zlib.compress(xml, 6)
    file_no, spec_no, new_size = int(size[1]), int(size[1]) + 1, int(size[1]) + 2
    name = filename.encode()
    objects = {
        file_no: b"<</Type/EmbeddedFile/Subtype/text#2Fxml/Filter/FlateDecode/Length %d"
                 b"/Params<</Size %d/CreationDate(%s)/ModDate(%s)/CheckSum<%s>>>>>stream\n%s\nendstream"
                 % (len(packed), len(xml), stamp, stamp, hashlib.md5(xml).hexdigest().encode(), packed),  # noqa: S324 -- PDF's /CheckSum is MD5
        spec_no: b"<</Type/Filespec/F(%s)/UF(%s)/EF<</F %d 0 R/UF %d 0 R>>/Desc(%s)/AFRelationship/Alternative>>"
                 % (name, name, file_no, file_no, DESCRIPTION),
        metadata: b"<</Type/Metadata/Subtype/XML/Length %d>>stream\n%s\nendstream" % (len(xmp), xmp),
        root: catalog[:-2] + b"/Names<</EmbeddedFiles<</Names[(%s) %d 0 R]>>>>/AF[%d 0 R]>>"
              % (name, spec_no, spec_no),
    }
    body, positions = bytearray(b"\n"), {}
    for number in sorted(objects):
        positions[number] = len(pdf) + len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_at = len(pdf) + len(body)
    body += b"xref\n0 1\n0000000000 65535 f\r\n"
    for number in sorted(positions):
        body += b"%d 1\n%010d 00000 n\r\n" % (number, positions[number])
    second_id = hashlib.md5(pdf + bytes(body)).hexdigest().encode()  # noqa: S324 -- a file identifier
    info = re.search(_REF % b"Info", trailer[1])
    info_entry = b"/Info %s 0 R" % info[1] if info else b""
    body += (b"trailer\n<</Size %d/Root %d 0 R%s/ID[%s<%s>]/Prev %d>>\nstartxref\n%d\n%%%%EOF\n"
             % (new_size, root, info_entry, first_id[1], second_id, prev, xref_at))
    return pdf + bytes(body)
