"""The shop's logo and accent colour for the printed documents.

`branding()` is called once per rendered document. It reads three short columns of the
company profile (one small query) and keeps the logo's bytes, and the form Typst reads them
in, per process, keyed by the logo's SHA-256 and the colour: the blob is read from the
database only when the logo changed. Typst memoises the parsed bytes and the decoded image
across compiles while the input string stays the same, so a reused logo costs about half a
millisecond per page once warm (a photo-like 140 KB PNG: about 8 ms, spent re-compressing it
into each PDF).
"""

import json
import re
from dataclasses import dataclass, field

import typst

from kontorhaus.core.models import CompanyProfile, LogoArchive

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FORMATS = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}


@dataclass(frozen=True)
class Branding:
    logo: bytes
    content_type: str  # image/png, image/jpeg or image/svg+xml; "" without a logo
    accent_colour: str  # "#rrggbb"
    logo_sha256: str = ""
    # What the template receives (typst-py's sys_inputs are strings), built once.
    inputs: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def typst_inputs(*, logo: bytes, content_type: str, accent_colour: str) -> dict[str, str]:
    """sys_inputs for the layout: `accent` ("#rrggbb") and, with a logo, `logo` (the bytes
    as a JSON array, which Typst turns back into bytes) and `logo_format`."""
    inputs = {"accent": accent_colour.lower() if COLOUR.match(accent_colour or "") else ""}
    image_format = FORMATS.get(content_type)
    if logo and image_format:
        inputs["logo"] = json.dumps(list(logo), separators=(",", ":"))
        inputs["logo_format"] = image_format
    return inputs


_cache: dict[tuple[str, str, str], Branding] = {}


def branding() -> Branding | None:
    """The current profile's logo and accent colour, or None when there is no profile yet."""
    row = CompanyProfile.objects.values_list("logo_sha256", "logo_content_type", "accent_colour").first()
    if row is None:
        return None
    sha256, content_type, colour = row
    key = (sha256, content_type, colour)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    logo = b""
    if sha256:
        logo = bytes(CompanyProfile.objects.values_list("logo", flat=True).first() or b"")
    result = Branding(
        logo=logo,
        content_type=content_type if logo else "",
        accent_colour=colour,
        logo_sha256=sha256,
        inputs=typst_inputs(logo=logo, content_type=content_type, accent_colour=colour),
    )
    _cache.clear()  # one profile: keep only the current entry
    _cache[key] = result
    return result


_archived: dict[tuple[str, str], Branding] = {}
ARCHIVED_KEPT = 16


def branding_of(seller: dict | None) -> Branding | None:
    """The logo and colour a document was issued with (its seller snapshot names them), so a
    later change of the profile does not change how an issued invoice prints. A snapshot
    without them (a draft, a pick list) prints with the current profile's."""
    if not seller or "accent_colour" not in seller:
        return branding()
    sha256, colour = seller.get("logo_sha256") or "", seller["accent_colour"]
    key = (sha256, colour)
    if key not in _archived:
        logo, content_type = b"", ""
        if sha256:
            row = LogoArchive.objects.filter(sha256=sha256).values_list("content", "content_type").first()
            if row is not None:
                logo, content_type = bytes(row[0]), row[1]
        result = Branding(logo=logo, content_type=content_type if logo else "", accent_colour=colour,
                          logo_sha256=sha256,
                          inputs=typst_inputs(logo=logo, content_type=content_type, accent_colour=colour))
        if sha256 and not logo:  # not archived (yet): not remembered either
            return result
        if len(_archived) >= ARCHIVED_KEPT:
            _archived.clear()
        _archived[key] = result
    return _archived[key]


def cache_clear() -> None:
    _cache.clear()
    _archived.clear()


_PROBE = b"""#set page(width: 40mm, height: 20mm, margin: 0pt)
#image(bytes(json(bytes(sys.inputs.logo))), format: sys.inputs.logo_format, width: 100%)
"""


def logo_renders(logo: bytes, content_type: str) -> bool:
    """Whether Typst can print this logo (checked once at upload, a few milliseconds)."""
    inputs = typst_inputs(logo=logo, content_type=content_type, accent_colour="")
    if "logo" not in inputs:
        return False
    try:
        typst.compile(_PROBE, format="pdf", sys_inputs=inputs)
    except (typst.TypstError, RuntimeError, ValueError):
        return False
    return True
