"""The back office: thin function views over selectors and services (STYLE 21).

A GET renders the page, or only its `results` partial when htmx asks for it; a POST validates
the shape with a Form and calls one service, showing a DomainError as a form error.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from kontorhaus.billing.selectors import credit_note_list_for_order, invoice_for_order, payment_list_for_order
from kontorhaus.catalog.selectors import article_get, article_list
from kontorhaus.catalog.services import article_create, article_update
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.core.selectors import audit_event_list_for_order
from kontorhaus.customers.selectors import customer_get, customer_list
from kontorhaus.documents.services import document_render
from kontorhaus.fulfillment.selectors import digital_overview_for_order
from kontorhaus.fulfillment.selectors_picking import shipment_list_for_order
from kontorhaus.inventory.selectors import stock_availability
from kontorhaus.notifications.selectors import email_list_for_order
from kontorhaus.sales.selectors import customer_order_list, order_get, order_list

from . import labels
from .forms import ArticleForm, ArticleSearchForm, OrderFilterForm, SearchForm
from .pagination import keyset_page
from .portal_links import ORDER as PORTAL_ORDER
from .portal_links import portal_link_make

PAGE_SIZE = 50
CUSTOMER_ORDERS_SHOWN = 50


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _page_or_partial(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#results"
    return render(request, template, context)


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:order_list")


# --- orders ---------------------------------------------------------------------------------


@require_GET
@login_required
@vary_on_headers("HX-Request")
def order_list_view(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    form.is_valid()
    page = keyset_page(order_list(filters=form.to_filter()), key="placed_at", cursor=request.GET.get("after", ""),
                       size=PAGE_SIZE, descending=True)
    return _page_or_partial(request, "web/order_list.html", {
        "form": form, "page": page, "orders": page.items, "query": _query_without_cursor(request),
    })


@require_GET
@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_get(number=number)
    except NotFound:
        raise Http404(number)
    lines = list(order.lines.all())
    return render(request, "web/order_detail.html", {
        "order": order,
        "lines": lines,
        # sales.order_cancel refuses a packed order: no button for it
        "cancellable": order.status == "open" and not any(line.packed_quantity for line in lines),
        "invoice": invoice_for_order(order_number=order.number),
        "credit_notes": credit_note_list_for_order(order_number=order.number),
        "payments": payment_list_for_order(order_number=order.number),
        "emails": email_list_for_order(order_number=order.number),
        "digital": digital_overview_for_order(order_number=order.number),
        "shipments": shipment_list_for_order(order_number=order.number),
        "events": audit_event_list_for_order(order_number=order.number),
        "payment_methods": labels.choices("payment_method"),
        # for support: the customer's own view of the order (tracking, withdrawal, return), a week valid
        "portal_link": portal_link_make(order_number=order.number, purpose=PORTAL_ORDER, max_age_days=7),
    })


def _pdf(kind: str, number: str) -> HttpResponse:
    try:
        document = document_render(kind=kind, number=number)
    except NotFound:
        raise Http404(number)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@require_GET
@login_required
def invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    return _pdf("invoice", number)


@require_GET
@login_required
def credit_note_pdf(request: HttpRequest, number: str) -> HttpResponse:
    return _pdf("credit_note", number)


# --- articles -------------------------------------------------------------------------------


@require_GET
@login_required
@vary_on_headers("HX-Request")
def article_list_view(request: HttpRequest) -> HttpResponse:
    form = ArticleSearchForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    page = keyset_page(article_list(search=data.get("q", "").strip(), kind=data.get("kind", "")), key="sku",
                       cursor=request.GET.get("after", ""), size=PAGE_SIZE)
    availability = stock_availability(articles=page.items)
    rows = [(article, availability[article.pk]) for article in page.items]
    return _page_or_partial(request, "web/article_list.html", {
        "form": form, "page": page, "rows": rows, "query": _query_without_cursor(request),
    })


@require_http_methods(["GET", "POST"])
@login_required
def article_create_view(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            article = article_create(sku=form.cleaned_data["sku"], data=form.to_data(), actor=_actor(request))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Article %(sku)s created.") % {"sku": article.sku})
            return redirect("web:article_list")
    return render(request, "web/article_form.html", {"form": form, "article": None}, status=_status(form))


@require_http_methods(["GET", "POST"])
@login_required
def article_edit(request: HttpRequest, sku: str) -> HttpResponse:
    try:
        article = article_get(sku=sku)
    except NotFound:
        raise Http404(sku)
    form = ArticleForm(request.POST if request.method == "POST" else None, article=article)
    if request.method == "POST" and form.is_valid():
        try:
            article_update(article=article, data=form.to_data(), actor=_actor(request))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Article %(sku)s saved.") % {"sku": article.sku})
            return redirect("web:article_list")
    return render(request, "web/article_form.html", {"form": form, "article": article}, status=_status(form))


def _status(form: ArticleForm) -> int:
    return 422 if form.is_bound and form.errors else 200


# --- customers ------------------------------------------------------------------------------


@require_GET
@login_required
@vary_on_headers("HX-Request")
def customer_list_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()
    search = getattr(form, "cleaned_data", {}).get("q", "").strip()
    page = keyset_page(customer_list(search=search), key="name", cursor=request.GET.get("after", ""),
                       size=PAGE_SIZE)
    return _page_or_partial(request, "web/customer_list.html", {
        "form": form, "page": page, "customers": page.items, "query": _query_without_cursor(request),
    })


@require_GET
@login_required
def customer_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        customer = customer_get(number=number)
    except NotFound:
        raise Http404(number)
    orders = list(customer_order_list(customer_id=customer.pk)[: CUSTOMER_ORDERS_SHOWN + 1])
    return render(request, "web/customer_detail.html", {
        "customer": customer,
        "orders": orders[:CUSTOMER_ORDERS_SHOWN],
        "more_orders": len(orders) > CUSTOMER_ORDERS_SHOWN,
        "shown": CUSTOMER_ORDERS_SHOWN,
    })
