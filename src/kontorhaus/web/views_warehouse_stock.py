"""Stock control pages: the count sheet (expected per bin and article, counted, review, book),
write-offs, an article's stock and ledger with running balance, and the CSV of stock on hand as
of a day."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.selectors import article_get
from kontorhaus.core import clock
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.stock_counted import stock_counted, stock_written_off
from kontorhaus.inventory.selectors import stock_availability
from kontorhaus.inventory.selectors_stock import (
    bin_get,
    stock_by_article,
    stock_csv_write,
    stock_ledger,
    stock_levels_for_count,
    stock_policy_list,
    warehouse_get,
    warehouse_list,
)
from kontorhaus.inventory.services_counts import CountLine

from .forms import CONTROL_CHARACTERS
from .forms_warehouse import CountFilterForm, ExportForm, PolicyForm, WriteOffForm, counted_rows
from .views_warehouse import _actor, _error, _warehouse

EXTRA_ROWS = 3  # empty rows for articles found where none were expected


def _article(sku: str) -> Article:
    try:
        return article_get(sku=sku)
    except NotFound:
        raise Http404(sku) from None


@require_http_methods(["GET", "POST"])
@login_required
def warehouse_count(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the count sheet (filter by bin and/or SKU; none: the whole warehouse). POST
    "review": the differences; POST "book": books them (flows.stock_counted)."""
    warehouse = _warehouse(code)
    filters = CountFilterForm(request.GET)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    try:
        location = bin_get(warehouse=warehouse, label=data["bin"]) if data.get("bin") else None
        article = article_get(sku=data["sku"]) if data.get("sku") else None
    except NotFound as error:
        messages.error(request, error.message)
        location = article = None
    levels = list(stock_levels_for_count(warehouse=warehouse, location=location, article=article)[:1000])
    context = {"warehouse": warehouse, "filters": filters, "levels": levels, "extra": range(EXTRA_ROWS),
               "default_bin": location.label if location else "", "review": None, "errors": []}
    if request.method == "POST":
        rows, errors = counted_rows(request.POST)
        lines = []
        for row in rows:
            try:
                lines.append(CountLine(article_get(sku=row.sku), bin_get(warehouse=warehouse, label=row.bin),
                                       row.counted, row.expected))
            except NotFound as error:
                errors.append(error.message)
        if not errors and not lines:
            errors.append(_("Nothing was counted."))
        if not errors and request.POST.get("action") == "book":
            try:
                note = CONTROL_CHARACTERS.sub(" ", request.POST.get("note", "")[:200]).strip()
                result = stock_counted(lines=lines, note=note, actor=_actor(request))
            except DomainError as error:
                errors.append(error.message)
            else:
                booked = sum(1 for d in result.differences if d["difference"])
                messages.success(request, _("Count booked: %(n)s difference(s), %(b)s order line(s) backordered.")
                                 % {"n": booked, "b": len(result.taken_back)})
                return redirect(request.get_full_path())
        context.update(errors=errors, review=None if errors else [
            {"sku": line.article.sku, "bin": line.location.label, "counted": line.counted,
             "expected": line.expected, "difference": line.counted - (line.expected or 0)} for line in lines],
            posted=request.POST)
    failed = bool(context["errors"])
    return render(request, "web/warehouse_count.html", context, status=422 if failed else 200)


@require_http_methods(["GET", "POST"])
@login_required
def warehouse_write_off(request: HttpRequest, code: str) -> HttpResponse:
    warehouse = _warehouse(code)
    form = WriteOffForm(request.POST if request.method == "POST" else None, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = stock_written_off(article=article_get(sku=data["sku"]),
                                       location=bin_get(warehouse=warehouse, label=data["bin"]),
                                       quantity=data["quantity"], cause=data["cause"], note=data["note"],
                                       actor=_actor(request))
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("%(quantity)s x %(sku)s written off; %(b)s order line(s) backordered.") % {
                "quantity": data["quantity"], "sku": data["sku"], "b": len(result.taken_back)})
            return redirect("web:warehouse_detail", code=code)
    return render(request, "web/warehouse_write_off.html", {"warehouse": warehouse, "form": form},
                  status=422 if form.is_bound and form.errors else 200)


@require_GET
@login_required
def warehouse_article(request: HttpRequest, sku: str) -> HttpResponse:
    """An article's stock per warehouse and bin, its stock policies (editable) and its ledger.
    With htmx, only the stock-and-policy panel (shown on the article page)."""
    article = _article(sku)
    policies = {p.warehouse_id: p for p in stock_policy_list(article=article)}
    forms = [(w, PolicyForm(initial={"sku": sku, "default_bin": getattr(policies.get(w.pk), "default_bin", None)
                                     and policies[w.pk].default_bin.label,
                                     "reorder_point": getattr(policies.get(w.pk), "reorder_point", None),
                                     "target_level": getattr(policies.get(w.pk), "target_level", None)}))
             for w in warehouse_list()]
    context = {"article": article, "stock": stock_by_article(article=article, limit=1),
               "availability": stock_availability(articles=[article])[article.pk], "policy_forms": forms,
               "ledger": list(reversed(stock_ledger(article=article, limit=200)))}
    template = "web/warehouse_article.html"
    if request.htmx:
        template += "#panel"
    return render(request, template, context)


@require_GET
@login_required
def warehouse_export(request: HttpRequest) -> HttpResponse:
    """CSV: stock on hand per article and bin at the end of the given day, from the ledger."""
    form = ExportForm(request.GET or None, initial={"date": clock.today()})
    if not form.is_bound or not form.is_valid():
        return render(request, "web/warehouse_export.html", {"form": form},
                      status=422 if form.is_bound else 200)
    warehouse = None
    if form.cleaned_data["warehouse"]:
        try:
            warehouse = warehouse_get(code=form.cleaned_data["warehouse"])
        except NotFound:
            form.add_error("warehouse", _("Unknown warehouse."))
            return render(request, "web/warehouse_export.html", {"form": form}, status=422)
    day = form.cleaned_data["date"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stock-{day.isoformat()}.csv"'
    stock_csv_write(response, day=day, warehouse=warehouse)
    return response
