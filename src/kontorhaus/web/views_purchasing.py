"""Purchasing in the back office: suppliers and their terms, the reorder list (confirm a
proposal -> a purchase order), purchase orders (send, cancel, PDF) and the goods receipt page
(scan or type). Thin views over purchasing's services and the goods_received flow; a
DomainError becomes a form error or a message."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontorhaus.catalog.selectors import article_get
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.goods_received import goods_received
from kontorhaus.purchasing.models import PurchaseOrder, Supplier
from kontorhaus.purchasing.reorder import proposal_order_request, reorder_list, reorder_proposal_for
from kontorhaus.purchasing.selectors import (
    goods_receipt_list,
    purchase_order_get,
    purchase_order_lines,
    purchase_order_list,
    supplier_get,
    supplier_list,
    supplier_terms_list,
)
from kontorhaus.purchasing.services import supplier_create, supplier_terms_set, supplier_update
from kontorhaus.purchasing.services_orders import purchase_order_cancel, purchase_order_create, purchase_order_send
from kontorhaus.purchasing.services_receipts import ReceiptLineRequest
from kontorhaus.purchasing.snapshots import purchase_order_pdf
from kontorhaus.purchasing.states import RECEIVABLE, PurchaseOrderStatus

from .forms import single_line
from .forms_purchasing import PO_STATUS, SearchForm, SupplierForm, SupplierTermsForm, quantity_of

LIST_LIMIT = 200


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _supplier(number: str) -> Supplier:
    try:
        return supplier_get(number=number)
    except NotFound:
        raise Http404(number) from None


def _order(number: str) -> PurchaseOrder:
    try:
        return purchase_order_get(number=number)
    except NotFound:
        raise Http404(number) from None


def _field_error(form, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


# --- suppliers ------------------------------------------------------------------------------


@require_GET
@login_required
def supplier_list_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()
    search = getattr(form, "cleaned_data", {}).get("q") or ""
    return render(request, "web/purchasing_supplier_list.html", {
        "form": form, "suppliers": list(supplier_list(search=search)[:LIST_LIMIT])})


@require_http_methods(["GET", "POST"])
@login_required
def supplier_create_view(request: HttpRequest) -> HttpResponse:
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supplier = supplier_create(number=form.cleaned_data["number"], data=form.data_for_service(),
                                       actor=_actor(request))
        except DomainError as error:
            _field_error(form, error)
        else:
            messages.success(request, _("Supplier %(number)s created.") % {"number": supplier.number})
            return redirect("web:purchasing_supplier_detail", number=supplier.number)
    return render(request, "web/purchasing_supplier_form.html", {"form": form, "supplier": None})


@require_http_methods(["GET", "POST"])
@login_required
def supplier_detail(request: HttpRequest, number: str) -> HttpResponse:
    supplier = _supplier(number)
    initial = {f: getattr(supplier, f) for f in SupplierForm.base_fields}
    form = SupplierForm(request.POST or None, initial=initial)
    form.fields["number"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            supplier_update(supplier=supplier, data=form.data_for_service(), actor=_actor(request))
        except DomainError as error:
            _field_error(form, error)
        else:
            messages.success(request, _("Supplier saved."))
            return redirect("web:purchasing_supplier_detail", number=supplier.number)
    return _supplier_page(request, supplier, form, SupplierTermsForm())


def _supplier_page(request: HttpRequest, supplier: Supplier, form: SupplierForm,
                   terms_form: SupplierTermsForm) -> HttpResponse:
    return render(request, "web/purchasing_supplier_form.html", {
        "form": form, "supplier": supplier, "terms": supplier_terms_list(supplier=supplier), "terms_form": terms_form})


@require_POST
@login_required
def supplier_terms_view(request: HttpRequest, number: str) -> HttpResponse:
    supplier = _supplier(number)
    terms_form = SupplierTermsForm(request.POST)
    if terms_form.is_valid():
        try:
            article = article_get(sku=terms_form.cleaned_data["sku"].strip())
            supplier_terms_set(supplier=supplier, article=article, data=terms_form.data_for_service(),
                               actor=_actor(request))
        except DomainError as error:
            _field_error(terms_form, error)
        else:
            messages.success(request, _("Terms for %(sku)s saved.") % {"sku": article.sku})
            return redirect("web:purchasing_supplier_detail", number=supplier.number)
    form = SupplierForm(initial={f: getattr(supplier, f) for f in SupplierForm.base_fields})
    form.fields["number"].disabled = True
    return _supplier_page(request, supplier, form, terms_form)


# --- reorder list ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def reorder_view(request: HttpRequest) -> HttpResponse:
    """The list, one form per proposal; confirming one turns it into a draft purchase order
    with the quantities as adjusted (0 takes a line out)."""
    if request.method == "POST":
        proposal = reorder_proposal_for(supplier_number=request.POST.get("supplier", "")[:32],
                                        warehouse_code=request.POST.get("warehouse", "")[:32])
        if proposal is None:
            messages.error(request, _("Nothing to reorder from this supplier any more."))
            return redirect("web:purchasing_reorder")
        quantities = {line.sku: quantity_of(request.POST.get(f"qty-{line.sku}")) for line in proposal.lines}
        if None in quantities.values():
            messages.error(request, _("Quantities are whole numbers from 0."))
            return redirect("web:purchasing_reorder")
        try:
            order = purchase_order_create(request=proposal_order_request(proposal=proposal, quantities=quantities),
                                          actor=_actor(request))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("web:purchasing_reorder")
        messages.success(request, _("Purchase order %(number)s created.") % {"number": order.number})
        return redirect("web:purchasing_order_detail", number=order.number)
    return render(request, "web/purchasing_reorder.html", {"reorder": reorder_list()})


# --- purchase orders ------------------------------------------------------------------------


@require_GET
@login_required
def purchase_order_list_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    orders = list(purchase_order_list(search=data.get("q") or "", status=data.get("status") or "")[:LIST_LIMIT])
    return render(request, "web/purchasing_order_list.html", {
        "form": form, "rows": [(o, PO_STATUS.get(o.status, o.status)) for o in orders]})


@require_GET
@login_required
def purchase_order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(number)
    return render(request, "web/purchasing_order_detail.html", {
        "order": order, "status_label": PO_STATUS.get(order.status, order.status),
        "lines": purchase_order_lines(purchase_order=order), "receipts": goods_receipt_list(purchase_order=order),
        "is_draft": order.status == PurchaseOrderStatus.DRAFT, "receivable": order.status in RECEIVABLE,
        "cancellable": order.status in (PurchaseOrderStatus.DRAFT, *RECEIVABLE),
    })


@require_POST
@login_required
def purchase_order_send_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        purchase_order_send(purchase_order=_order(number), actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Purchase order sent to the supplier."))
    return redirect("web:purchasing_order_detail", number=number)


@require_POST
@login_required
def purchase_order_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        purchase_order_cancel(purchase_order=_order(number), actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Purchase order cancelled."))
    return redirect("web:purchasing_order_detail", number=number)


@require_GET
@login_required
def purchase_order_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    response = HttpResponse(purchase_order_pdf(_order(number)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


# --- goods receipt --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def goods_receipt_view(request: HttpRequest, number: str) -> HttpResponse:
    """Quantities per line, typed or counted up by scanning (goods_receipt.js). The receipt id
    comes with the page, so a double submit books once."""
    order = _order(number)
    lines = purchase_order_lines(purchase_order=order)
    error = ""
    if request.method == "POST":
        requested, error = _receipt_lines(request, lines)
        key = single_line(request.POST.get("receipt_id", "")[:200])
        if not error and not key:
            error = _("The page is out of date: open the goods receipt again.")
        if not error:
            try:
                goods_received(purchase_order=order, key=key, lines=requested, actor=_actor(request))
            except DomainError as refused:
                error = refused.message
            else:
                messages.success(request, _("Goods received and booked."))
                return redirect("web:purchasing_order_detail", number=number)
    return render(request, "web/purchasing_receipt.html", {
        "order": order, "error": error,
        "rows": [(line, request.POST.get(f"qty-{line.position}", "0")[:8],
                  request.POST.get(f"bin-{line.position}", "")[:48]) for line in lines],
        "receipt_id": single_line(request.POST.get("receipt_id", "")[:200]) or uuid.uuid4().hex,
    }, status=422 if error else 200)


def _receipt_lines(request: HttpRequest, lines: list) -> tuple[list[ReceiptLineRequest], str]:
    requested = []
    for line in lines:
        quantity = quantity_of(request.POST.get(f"qty-{line.position}"))
        if quantity is None:
            return [], _("Quantities are whole numbers from 0.")
        bin_label = single_line(request.POST.get(f"bin-{line.position}", "")[:48])
        if bin_label is None:
            return [], _("A bin label holds a character that is not allowed.")
        if quantity:
            requested.append(ReceiptLineRequest(line.sku, quantity, bin_label))
    if not requested:
        return [], _("Nothing received: every quantity is 0.")
    return requested, ""
