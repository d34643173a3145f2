"""Checks on an uploaded logo: PNG, JPEG or SVG, told by its bytes (never by what the browser
claims), at most 512 KB, with sane dimensions, and for SVG nothing that runs or fetches.

A logo is printed on every document, so a file that cannot be decoded would break every PDF;
these checks refuse it at upload. The web form also lets Typst render it once.
"""

import re
import struct
import zlib
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from .exceptions import InvalidInput

MAX_BYTES = 512 * 1024
MAX_PIXELS = 8000  # per side
PNG = "image/png"
JPEG = "image/jpeg"
SVG = "image/svg+xml"

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_COLOUR_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_SAFE_HREF = re.compile(r"^(#|data:image/(png|jpeg);base64,)", re.I)
_URL_IN_CSS = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|expression\(|javascript:", re.I)


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, details={"field": "logo"})


def logo_check(raw: bytes) -> str:
    """The logo's content type (image/png, image/jpeg, image/svg+xml); InvalidInput otherwise."""
    if not raw:
        raise _refuse(_("The logo file is empty."))
    if len(raw) > MAX_BYTES:
        raise _refuse(_("The logo may be at most 512 KB."))
    if raw.startswith(_PNG_MAGIC):
        _check_png(raw)
        return PNG
    if raw.startswith(b"\xff\xd8\xff"):
        _check_jpeg(raw)
        return JPEG
    _check_svg(raw)
    return SVG


def _check_size(width: int, height: int) -> None:
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise _refuse(_("The logo's dimensions (%(w)s × %(h)s pixels) are not usable.") % {"w": width, "h": height})


def _check_png(raw: bytes) -> None:
    """Every chunk complete with a correct CRC, IHDR first, image data present, IEND last."""
    position, names, idat = len(_PNG_MAGIC), [], []
    while position < len(raw):
        if position + 12 > len(raw):
            raise _refuse(_("The PNG file is truncated."))
        (length,) = struct.unpack(">I", raw[position:position + 4])
        name = raw[position + 4:position + 8]
        body = raw[position + 8:position + 8 + length]
        crc_at = position + 8 + length
        if len(body) != length or crc_at + 4 > len(raw) or \
                struct.unpack(">I", raw[crc_at:crc_at + 4])[0] != zlib.crc32(name + body) & 0xFFFFFFFF:
            raise _refuse(_("The PNG file is damaged."))
        names.append(name)
        if name == b"IDAT":
            idat.append(body)
        position = crc_at + 4
        if name == b"IEND":
            break
    if not names or names[0] != b"IHDR" or names[-1] != b"IEND" or not idat:
        raise _refuse(_("The PNG file is damaged."))
    header = raw[16:29]
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    _check_size(width, height)
    if depth not in _PNG_COLOUR_DEPTHS.get(colour, set()):
        raise _refuse(_("The PNG file is damaged."))
    try:
        zlib.decompressobj().decompress(b"".join(idat), 64)  # the image data starts as valid zlib
    except zlib.error:
        raise _refuse(_("The PNG file is damaged.")) from None


def _check_jpeg(raw: bytes) -> None:
    """Walk the segments up to the frame header (SOFn) and read the dimensions from it."""
    position = 2
    while position + 4 <= len(raw):
        if raw[position] != 0xFF:
            break
        marker = raw[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", raw[position + 2:position + 4])
        if length < 2 or position + 2 + length > len(raw):
            break
        if marker in _JPEG_SOF and length >= 7:
            height, width = struct.unpack(">HH", raw[position + 5:position + 9])
            _check_size(width, height)
            if not raw.rstrip(b"\x00").endswith(b"\xff\xd9"):
                raise _refuse(_("The JPEG file is truncated."))
            return
        position += 2 + length
    raise _refuse(_("The JPEG file is damaged."))


def _check_svg(raw: bytes) -> None:
    not_an_image = _refuse(_("The logo must be a PNG, JPEG or SVG image."))
    if b"\x00" in raw:
        raise not_an_image
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_an_image from None
    if "<svg" not in text:
        raise not_an_image
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.I):  # entities: expansion bombs, external files
        raise _refuse(_("The SVG logo may not contain a DOCTYPE or entities."))
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 - no DOCTYPE, so no entities to expand
    except ElementTree.ParseError:
        raise _refuse(_("The SVG logo is not well-formed XML.")) from None
    if root.tag not in {f"{_SVG_NS}svg", "svg"}:
        raise not_an_image
    for element in root.iter():
        _check_svg_element(element)


def _check_svg_element(element: ElementTree.Element) -> None:
    unsafe = _refuse(_("The SVG logo may not contain scripts, event handlers or external references."))
    tag = str(element.tag).rsplit("}", 1)[-1].lower()
    if tag in _FORBIDDEN_TAGS:
        raise unsafe
    if tag == "style" and _URL_IN_CSS.search(element.text or ""):
        raise unsafe
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1].lower()
        if local.startswith("on"):
            raise unsafe
        if local == "href" and not _SAFE_HREF.match(value.strip()):
            raise unsafe
        if _URL_IN_CSS.search(value) or value.strip().lower().startswith(("http:", "https:", "file:", "javascript:")):
            raise unsafe
