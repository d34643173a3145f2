"""Typst rendering: snapshot JSON in, PDF/A-3b bytes out. Pure CPU, no database.

One compiler per template folder and thread is kept and reused (fonts load once). The PDF's
creation timestamp is the document's issue date, so re-rendering a snapshot gives the same
bytes.
"""

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import typst
from django.conf import settings

from .branding import Branding, typst_inputs
from .presentation import print_data
from .presentation_dunning import dunning_letter_print_data
from .presentation_picking import delivery_note_print_data, pick_list_print_data
from .presentation_purchasing import purchase_order_print_data
from .presentation_quote import quote_print_data

BUILTIN_DIR = Path(__file__).resolve().parent / "typst"
PDF_STANDARD = "a-3b"

_local = threading.local()

# Kinds whose print data is not the invoice-like default.
PRESENTERS = {"dunning_letter": dunning_letter_print_data, "quote": quote_print_data,
              "purchase_order": purchase_order_print_data,
              "pick_list": pick_list_print_data, "delivery_note": delivery_note_print_data}


def template_path(kind: str) -> Path:
    """The shop's override in DOCUMENT_TEMPLATE_DIR if it has one for `kind`, else ours."""
    name = f"{kind}.typ"
    override_dir = settings.KONTORHAUS.get("DOCUMENT_TEMPLATE_DIR") or ""
    if override_dir and (Path(override_dir) / name).is_file():
        return Path(override_dir).resolve() / name
    path = BUILTIN_DIR / name
    if not path.is_file():
        raise LookupError(f"no document template for {kind!r}")
    return path


def _compiler(root: Path) -> typst.Compiler:
    compilers = getattr(_local, "compilers", None)
    if compilers is None:
        compilers = _local.compilers = {}
    if root not in compilers:
        compilers[root] = typst.Compiler(root=str(root))
    return compilers[root]


def creation_timestamp(snapshot: dict[str, Any]) -> dt.datetime:
    issued = dt.date.fromisoformat(snapshot["issue_date"])
    return dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC)


def _branding_inputs(branding: Branding | None) -> dict[str, str]:
    if branding is None:
        return {}
    return branding.inputs or typst_inputs(
        logo=branding.logo, content_type=branding.content_type, accent_colour=branding.accent_colour
    )


def render_pdf(snapshot: dict[str, Any], *, branding: Branding | None = None) -> bytes:
    """The PDF of `snapshot`; `branding` (documents.branding.branding()) adds the shop's logo
    and accent colour. Templates read them from sys.inputs: `accent`, `logo`, `logo_format`."""
    path = template_path(snapshot["kind"])
    presenter = PRESENTERS.get(snapshot["kind"], print_data)
    data = json.dumps(presenter(snapshot), ensure_ascii=False, sort_keys=True)
    pdf = _compiler(path.parent).compile(
        input=str(path),
        format="pdf",
        sys_inputs={"data": data, **_branding_inputs(branding)},
        pdf_standards=[PDF_STANDARD],
        timestamp=creation_timestamp(snapshot),
    )
    if not isinstance(pdf, bytes):
        raise TypeError("typst returned no PDF bytes")
    return pdf
