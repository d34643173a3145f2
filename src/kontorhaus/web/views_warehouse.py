"""Warehouse pages: warehouses and their bins, stock per article and bin, moves between bins,
default bins and reorder points, the low-stock list. Thin views over inventory's selectors and
services (STYLE 21); counts, write-offs, the ledger and the CSV export are in
views_warehouse_stock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontorhaus.catalog.selectors import article_get
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.inventory.models import Location, Warehouse
from kontorhaus.inventory.selectors import articles_at_reorder_point
from kontorhaus.inventory.selectors_stock import (
    bin_get,
    bin_list,
    stock_by_article,
    stock_policy_list,
    warehouse_get,
    warehouse_list,
)
from kontorhaus.inventory.services_bins import bin_create, stock_policy_set, stock_transfer, warehouse_create
from kontorhaus.inventory.services_warehouse import bin_update, warehouse_update

from .forms_warehouse import BinEditForm, BinForm, PolicyForm, TransferForm, WarehouseEditForm, WarehouseForm


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _warehouse(code: str) -> Warehouse:
    try:
        return warehouse_get(code=code)
    except NotFound:
        raise Http404(code) from None


def _error(form, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
@login_required
def warehouse_overview(request: HttpRequest) -> HttpResponse:
    form = WarehouseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            warehouse = warehouse_create(code=form.cleaned_data["code"], name=form.cleaned_data["name"],
                                         sellable=form.cleaned_data["sellable"], actor=_actor(request))
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Warehouse %(code)s created.") % {"code": warehouse.code})
            return redirect("web:warehouse_detail", code=warehouse.code)
    return render(request, "web/warehouse_overview.html", {
        "warehouses": warehouse_list(), "low_stock": articles_at_reorder_point(), "form": form,
    }, status=422 if form.is_bound and form.errors else 200)


def _detail_context(warehouse: Warehouse, **forms) -> dict:
    return {
        "warehouse": warehouse, "bins": bin_list(warehouse=warehouse),
        "stock": stock_by_article(warehouse=warehouse, limit=300),
        "policies": stock_policy_list(warehouse=warehouse),
        "edit_form": forms.get("edit_form") or WarehouseEditForm(initial={"name": warehouse.name,
                                                                         "sellable": warehouse.sellable}),
        "bin_form": forms.get("bin_form") or BinForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(),
        "policy_form": forms.get("policy_form") or PolicyForm(),
    }


def _render_detail(request: HttpRequest, warehouse: Warehouse, **forms) -> HttpResponse:
    failed = any(f.is_bound and f.errors for f in forms.values())
    return render(request, "web/warehouse_detail.html", _detail_context(warehouse, **forms),
                  status=422 if failed else 200)


@require_GET
@login_required
def warehouse_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_detail(request, _warehouse(code))


@require_POST
@login_required
def warehouse_edit(request: HttpRequest, code: str) -> HttpResponse:
    warehouse = _warehouse(code)
    form = WarehouseEditForm(request.POST)
    if form.is_valid():
        try:
            warehouse_update(warehouse=warehouse, name=form.cleaned_data["name"],
                             sellable=form.cleaned_data["sellable"], actor=_actor(request))
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Warehouse saved."))
            return redirect("web:warehouse_detail", code=code)
    return _render_detail(request, warehouse, edit_form=form)


@require_POST
@login_required
def warehouse_bin_create(request: HttpRequest, code: str) -> HttpResponse:
    warehouse = _warehouse(code)
    form = BinForm(request.POST)
    if form.is_valid():
        try:
            location = bin_create(warehouse=warehouse, label=form.cleaned_data["label"],
                                  walk_order=form.cleaned_data["walk_order"], actor=_actor(request))
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Bin %(bin)s created.") % {"bin": location.label})
            return redirect("web:warehouse_detail", code=code)
    return _render_detail(request, warehouse, bin_form=form)


def _bin(warehouse: Warehouse, label: str) -> Location:
    try:
        return bin_get(warehouse=warehouse, label=label)
    except NotFound:
        raise Http404(label) from None


@require_POST
@login_required
def warehouse_bin_edit(request: HttpRequest, code: str, label: str) -> HttpResponse:
    """Change a bin's walking order, or (button "deactivate"/"activate") switch it off or on."""
    warehouse = _warehouse(code)
    location = _bin(warehouse, label)
    form = BinEditForm(request.POST or None, initial={"walk_order": location.walk_order})
    active = {"deactivate": False, "activate": True}.get(request.POST.get("action", ""), location.active)
    walk_order = form.cleaned_data["walk_order"] if form.is_valid() else location.walk_order
    try:
        bin_update(location=location, walk_order=walk_order, active=active, actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bin %(bin)s saved.") % {"bin": location.label})
    return redirect("web:warehouse_detail", code=code)


@require_POST
@login_required
def warehouse_transfer(request: HttpRequest, code: str) -> HttpResponse:
    warehouse = _warehouse(code)
    form = TransferForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            stock_transfer(article=article_get(sku=data["sku"]),
                           source=bin_get(warehouse=warehouse, label=data["from_bin"], field_name="from_bin"),
                           target=bin_get(warehouse=warehouse, label=data["to_bin"], field_name="to_bin"),
                           quantity=data["quantity"], actor=_actor(request))
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("%(quantity)s x %(sku)s moved from %(from)s to %(to)s.") % {
                "quantity": data["quantity"], "sku": data["sku"], "from": data["from_bin"], "to": data["to_bin"]})
            return redirect("web:warehouse_detail", code=code)
    return _render_detail(request, warehouse, transfer_form=form)


@require_POST
@login_required
def warehouse_policy(request: HttpRequest, code: str) -> HttpResponse:
    """Default bin, reorder point and target level of an article in this warehouse (also posted
    from the article page, which `next` sends back to)."""
    warehouse = _warehouse(code)
    form = PolicyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            default_bin = (bin_get(warehouse=warehouse, label=data["default_bin"], field_name="default_bin")
                           if data["default_bin"] else None)
            stock_policy_set(article=article_get(sku=data["sku"]), warehouse=warehouse, default_bin=default_bin,
                             reorder_point=data["reorder_point"], target_level=data["target_level"],
                             actor=_actor(request))
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Stock policy of %(sku)s saved.") % {"sku": data["sku"]})
            if request.POST.get("next") == "article":
                return redirect("web:warehouse_article", sku=data["sku"])
            return redirect("web:warehouse_detail", code=code)
    if request.POST.get("next") == "article" and form.cleaned_data.get("sku"):
        for message in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, message)
        return redirect("web:warehouse_article", sku=form.cleaned_data["sku"])
    return _render_detail(request, warehouse, policy_form=form)
