"""Quotes (Angebote) in the back office: list, create and edit drafts, detail with the PDF,
send, accept (-> the new order), decline. Thin views over sales' quote services and the
quote_accept flow; a DomainError becomes a form error or a message."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from kontorhaus.catalog.selectors import article_get
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.quote_accept import quote_accept
from kontorhaus.sales.models import Quote
from kontorhaus.sales.selectors_quotes import quote_get, quote_list
from kontorhaus.sales.services_quotes import article_price, quote_create, quote_decline, quote_send, quote_update
from kontorhaus.sales.snapshots_quotes import quote_pdf
from kontorhaus.sales.states_quotes import ACCEPTABLE, QuoteStatus

from .forms_quotes import PREFIX, QUOTE_STATUS, QuoteFilterForm, quote_data, quote_forms
from .pagination import keyset_page

PAGE_SIZE = 50
SKU_FIELD = re.compile(rf"^{PREFIX}-(\d+)-sku$")


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _quote(number: str) -> Quote:
    try:
        return quote_get(number=number)
    except NotFound:
        raise Http404(number)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def quote_list_view(request: HttpRequest) -> HttpResponse:
    form = QuoteFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    page = keyset_page(quote_list(search=data.get("q") or "", status=data.get("status") or ""), key="created_at",
                       cursor=request.GET.get("after", ""), size=PAGE_SIZE, descending=True)
    query = request.GET.copy()
    query.pop("after", None)
    template = "web/quote_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, {
        "form": form, "page": page, "query": query.urlencode(),
        "rows": [(quote, QUOTE_STATUS.get(quote.status, quote.status)) for quote in page.items],
    })


@require_http_methods(["GET", "POST"])
@login_required
def quote_create_view(request: HttpRequest) -> HttpResponse:
    head, lines = quote_forms(request.POST if request.method == "POST" else None)
    if request.method == "POST" and head.is_valid() and lines.is_valid():
        try:
            quote = quote_create(data=quote_data(head, lines), actor=_actor(request))
        except DomainError as error:
            head.add_error(None, error.message)
        else:
            messages.success(request, _("Quote %(number)s created.") % {"number": quote.number})
            return redirect("web:quote_detail", number=quote.number)
    return _form_page(request, head, lines, quote=None)


@require_http_methods(["GET", "POST"])
@login_required
def quote_edit_view(request: HttpRequest, number: str) -> HttpResponse:
    quote = _quote(number)
    if quote.status != QuoteStatus.DRAFT:
        messages.error(request, _("Only draft quotes can be edited."))
        return redirect("web:quote_detail", number=quote.number)
    head, lines = quote_forms(request.POST if request.method == "POST" else None, quote=quote)
    if request.method == "POST" and head.is_valid() and lines.is_valid():
        try:
            quote_update(quote=quote, data=quote_data(head, lines, quote=quote), actor=_actor(request))
        except DomainError as error:
            head.add_error(None, error.message)
        else:
            messages.success(request, _("Quote %(number)s saved.") % {"number": quote.number})
            return redirect("web:quote_detail", number=quote.number)
    return _form_page(request, head, lines, quote=quote)


def _form_page(request: HttpRequest, head, lines, *, quote: Quote | None) -> HttpResponse:
    failed = head.is_bound and (head.errors or lines.errors or lines.non_form_errors())
    return render(request, "web/quote_form.html", {"form": head, "lines": lines, "quote": quote},
                  status=422 if failed else 200)


@require_GET
@login_required
def quote_detail(request: HttpRequest, number: str) -> HttpResponse:
    quote = _quote(number)
    return render(request, "web/quote_detail.html", {
        "quote": quote, "lines": list(quote.lines.all()), "status_label": QUOTE_STATUS.get(quote.status, quote.status),
        "can_accept": quote.status in ACCEPTABLE, "is_draft": quote.status == QuoteStatus.DRAFT,
    })


@require_GET
@login_required
def quote_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    response = HttpResponse(quote_pdf(_quote(number)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@require_POST
@login_required
def quote_send_view(request: HttpRequest, number: str) -> HttpResponse:
    quote = _quote(number)
    try:
        quote_send(quote=quote, actor=_actor(request))
        messages.success(request, _("Quote sent to %(email)s.") % {"email": quote.customer_email})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:quote_detail", number=quote.number)


@require_POST
@login_required
def quote_accept_view(request: HttpRequest, number: str) -> HttpResponse:
    quote = _quote(number)
    try:
        result = quote_accept(quote=quote, actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:quote_detail", number=quote.number)
    messages.success(request, _("Quote %(quote)s accepted: order %(order)s.")
                     % {"quote": quote.number, "order": result.order.number})
    return redirect("web:order_detail", number=result.order.number)


@require_POST
@login_required
def quote_decline_view(request: HttpRequest, number: str) -> HttpResponse:
    quote = _quote(number)
    try:
        quote_decline(quote=quote, actor=_actor(request), reason=request.POST.get("reason", "")[:200])
        messages.success(request, _("Quote declined."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:quote_detail", number=quote.number)


@require_GET
@login_required
def quote_article_price(request: HttpRequest) -> HttpResponse:
    """htmx: the unit price input of one line row, prefilled with the article's price (net or
    gross as the quote is), after the SKU was typed."""
    field, sku = next(((m.group(0), v) for k, v in request.GET.items() if (m := SKU_FIELD.match(k))), ("", ""))
    if not field:
        return HttpResponse(status=400)
    name = field.removesuffix("-sku") + "-unit_price"
    try:
        article = article_get(sku=sku.strip())
    except NotFound:
        return render(request, "web/quote_form.html#price_cell", {"name": name, "value": "",
                                                                   "hint": _("Unknown SKU")})
    price = article_price(article, prices_include_vat=bool(request.GET.get("prices_include_vat")))
    return render(request, "web/quote_form.html#price_cell", {"name": name, "value": str(price), "hint": article.name})
