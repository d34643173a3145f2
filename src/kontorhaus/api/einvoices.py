"""E-invoices: the EN 16931 XML (CII, XRechnung CII or UBL) of invoices and credit notes."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from kontorhaus.documents.einvoice.build import einvoice_xml_for, syntax_from

router = Router(tags=["documents"])


def _xml(kind: str, number: str, format: str) -> HttpResponse:  # noqa: A002 -- the query parameter's name
    xml = einvoice_xml_for(kind=kind, number=number, syntax=syntax_from(format))
    response = HttpResponse(xml.content, content_type=f"{xml.content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{xml.filename}"'
    return response


@router.get("/invoices/{number}/xml", url_name="invoice_xml", response={200: None})
def invoice_xml(request: HttpRequest, number: str, format: str = "cii"):  # noqa: A002
    """The invoice as EN 16931 XML: `cii` (Factur-X, as embedded in the PDF), `xrechnung-cii`
    or `xrechnung-ubl`. Checked before it is returned (422 `einvoice_invalid` otherwise)."""
    return _xml("invoice", number, format)


@router.get("/credit-notes/{number}/xml", url_name="credit_note_xml", response={200: None})
def credit_note_xml(request: HttpRequest, number: str, format: str = "cii"):  # noqa: A002
    return _xml("credit_note", number, format)
