from django.http import HttpRequest, HttpResponse
from ninja import Router

from kontorhaus.documents.services import document_render

router = Router(tags=["documents"])


def _pdf(kind: str, number: str) -> HttpResponse:
    document = document_render(kind=kind, number=number)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    response["ETag"] = f'"{document.sha256}"'
    return response


@router.get("/invoices/{number}/pdf", url_name="invoice_pdf", response={200: None})
def invoice_pdf(request: HttpRequest, number: str):
    """The invoice as PDF/A-3; rendered now if the worker has not done it yet, then kept."""
    return _pdf("invoice", number)


@router.get("/credit-notes/{number}/pdf", url_name="credit_note_pdf", response={200: None})
def credit_note_pdf(request: HttpRequest, number: str):
    return _pdf("credit_note", number)
