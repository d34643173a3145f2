"""E-invoice downloads in the back office: the EN 16931 XML of an invoice or credit note."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.documents.einvoice.build import einvoice_xml_for, syntax_from
from kontorhaus.documents.einvoice.checks import EInvoiceInvalid


def _xml(request: HttpRequest, kind: str, number: str) -> HttpResponse:
    try:
        xml = einvoice_xml_for(kind=kind, number=number, syntax=syntax_from(request.GET.get("format", "")))
    except NotFound:
        raise Http404(number)
    except (InvalidInput, EInvoiceInvalid) as exc:
        # Plain text: the findings are what the operator has to fix (e.g. a missing Leitweg-ID).
        details = "\n".join(exc.details.get("findings", []))
        return HttpResponseBadRequest(f"{exc.message}\n{details}".strip(), content_type="text/plain; charset=utf-8")
    response = HttpResponse(xml.content, content_type=f"{xml.content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{xml.filename}"'
    return response


@require_GET
@login_required
def invoice_xml(request: HttpRequest, number: str) -> HttpResponse:
    return _xml(request, "invoice", number)


@require_GET
@login_required
def credit_note_xml(request: HttpRequest, number: str) -> HttpResponse:
    return _xml(request, "credit_note", number)
