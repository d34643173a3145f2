"""Warehouse pages: pick runs (made from released orders, ticked off by scanning on a phone),
the packing station (scan the order or tote, scan each article: a wrong one or one too many is
refused loudly and nothing counted), shipments with their delivery note.

Thin views (STYLE 21): forms check the shape, flows decide; a DomainError becomes a message.
The packing page keeps the units scanned so far in the page itself (count_<position>), so a
scan is one stateless request, and "packed" re-checks everything under the order's lock."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.documents.services import document_render
from kontorhaus.flows.pack_and_ship import (
    PackItem,
    default_parcel,
    order_pack,
    order_pack_by_single_scan,
    shipment_handed_over,
)
from kontorhaus.flows.pick_run import (
    PickRunRequest,
    pick_confirmed,
    pick_list_confirmed,
    pick_run_closed_short,
    pick_run_start,
)
from kontorhaus.fulfillment.models import CarrierKind
from kontorhaus.fulfillment.selectors_carriers import carrier_account_for
from kontorhaus.fulfillment.selectors_picking import (
    open_pick_run_of,
    order_number_for_code,
    pack_rows,
    pack_scan,
    pick_row_for_scan,
    pick_rows,
    pick_run_get,
    pick_run_list,
    pick_run_totes,
    shipment_get,
    tote_code,
)
from kontorhaus.fulfillment.selectors_shipping_pages import shipment_list_for_pick_run
from kontorhaus.sales.selectors import order_get

from .forms_fulfillment import ParcelsForm, PickRunForm, ScanForm, counts_from
from .views_shipping import book_after_packing, shipment_page_context

SCAN_ERRORS = {
    "not_in_order": gettext_lazy("WRONG ARTICLE: %(code)s is not part of this order. Not counted — put it back."),
    "too_many": gettext_lazy("ONE TOO MANY: all units of %(code)s are counted already. Not counted — put it back."),
}


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _pdf(kind: str, number: str) -> HttpResponse:
    try:
        document = document_render(kind=kind, number=number)
    except NotFound:
        raise Http404(number)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


# --- pick runs ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def pick_run_list_view(request: HttpRequest) -> HttpResponse:
    form = PickRunForm(request.POST or None, initial={"mode": "batch", "size": 20})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = pick_run_start(request=PickRunRequest(
                mode=data["mode"], order_number=data["order_number"], size=data["size"], carrier=data["carrier"]),
                actor=_actor(request))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Pick run %(number)s created.") % {"number": run.number})
            return redirect("web:pick_run_detail", number=run.number)
    return render(request, "web/pick_run_list.html", {"form": form, "runs": pick_run_list()})


def _run_or_404(number: str):
    try:
        return pick_run_get(number=number)
    except NotFound:
        raise Http404(number)


@require_GET
@login_required
def pick_run_detail(request: HttpRequest, number: str) -> HttpResponse:
    run = _run_or_404(number)
    return render(request, "web/pick_run_detail.html", _pick_context(
        run, shipments=shipment_list_for_pick_run(pick_run=run.number)))


def _pick_context(run, **extra) -> dict:
    totes = pick_run_totes(run=run)
    return {"run": run, "rows": pick_rows(run=run), "totes": [(t, tote_code(run.number, t.tote)) for t in totes],
            **extra}


@require_POST
@login_required
def pick_run_scan(request: HttpRequest, number: str) -> HttpResponse:
    """A scan (or a tap on a row's button, which sends the row's SKU and bin): one unit — or
    with `all`, every open unit of that row — is confirmed picked."""
    run = _run_or_404(number)
    form = ScanForm(request.POST)
    error = message = ""
    if form.is_valid():
        code = form.cleaned_data["code"]
        row = pick_row_for_scan(rows=pick_rows(run=run), code=code)
        if row is None:
            error = _("%(code)s is nothing left to pick on this list.") % {"code": code}
        else:
            quantity = row.open if request.POST.get("all") else 1
            try:
                pick_confirmed(run=run, article=row.article, location=row.location, quantity=quantity,
                               actor=_actor(request))
                message = _("%(quantity)s × %(sku)s from %(bin)s picked.") % {
                    "quantity": quantity, "sku": row.article.sku, "bin": row.location}
            except DomainError as exc:
                error = exc.message
    return _picking_part(request, run, error=error, message=message)


def _picking_part(request: HttpRequest, run, *, error: str, message: str) -> HttpResponse:
    """The run's picking part after an action (htmx), or the whole page."""
    run.refresh_from_db()
    template = "web/pick_run_detail.html#picking" if request.htmx else "web/pick_run_detail.html"
    return render(request, template, _pick_context(run, error=error, message=message))


def _run_action(request: HttpRequest, number: str, act: Callable[[object], str]) -> HttpResponse:
    """Run `act` on the pick run; its message, or the domain's refusal, is shown on the page."""
    run = _run_or_404(number)
    error = message = ""
    try:
        message = act(run)
    except DomainError as exc:
        error = exc.message
    return _picking_part(request, run, error=error, message=message)


@require_POST
@login_required
def pick_run_all_picked(request: HttpRequest, number: str) -> HttpResponse:
    """The picker ticked off the printed list: every open row is confirmed at once."""
    def act(run) -> str:
        units = sum(a.quantity for a in pick_list_confirmed(run=run, actor=_actor(request)))
        return _("The whole list is picked: %(units)s units.") % {"units": units}
    return _run_action(request, number, act)


@require_POST
@login_required
def pick_run_close_short(request: HttpRequest, number: str) -> HttpResponse:
    """The rest of the list was not found: it leaves the run (still reserved in its bins)."""
    def act(run) -> str:
        dropped = pick_run_closed_short(run=run, actor=_actor(request))
        units = sum(sum(lines.values()) for lines in dropped.values())
        return _("Run closed: %(units)s units not found stay reserved in their bins; count those bins.") % {
            "units": units}
    return _run_action(request, number, act)


@require_GET
@login_required
def pick_run_pdf(request: HttpRequest, number: str) -> HttpResponse:
    return _pdf("pick_list", _run_or_404(number).number)


# --- packing station ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def packing_station(request: HttpRequest) -> HttpResponse:
    """Scan an order number or a tote; or, for a one-unit order, just its article: packed at once."""
    form = ScanForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        number = order_number_for_code(code=code)
        if number:
            return redirect("web:packing_order", number=number)
        try:
            shipment = order_pack_by_single_scan(code=code, actor=_actor(request))
        except DomainError as exc:
            shipment, error = None, exc.message
        if shipment is not None:
            messages.success(request, _("Order %(order)s packed with one scan: shipment %(number)s.") % {
                "order": shipment.order_number, "number": shipment.number})
            return redirect("web:shipment_detail", number=shipment.number)
        error = error or _("%(code)s is no order, tote or single-item order waiting to be packed.") % {"code": code}
    return render(request, "web/packing_station.html", {"form": ScanForm(), "error": error})


def _order_or_404(number: str):
    try:
        return order_get(number=number)
    except NotFound:
        raise Http404(number)


def _pack_context(order, counts: dict[int, int], **extra) -> dict:
    rows = pack_rows(order=order)
    lines = [{"row": row, "count": counts.get(row.position, 0),
              "missing_now": row.ordered - row.packed - counts.get(row.position, 0)} for row in rows]
    account = carrier_account_for(shipping_method=order.shipping_method)
    return {"order": order, "lines": lines, "pick_run": open_pick_run_of(order_number=order.number),
            "bookable": account is not None and account.kind == CarrierKind.DHL_PARCEL_DE,
            "complete": all(line["missing_now"] == 0 for line in lines),
            "anything": any(line["count"] for line in lines), **extra}


@require_GET
@login_required
def packing_order(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    return render(request, "web/packing_order.html", {
        **_pack_context(order, {}), "parcels": ParcelsForm(default=default_parcel(order))})


@require_POST
@login_required
def packing_scan(request: HttpRequest, number: str) -> HttpResponse:
    """One article scan: counted, or refused loudly (red, with the reason) and not counted."""
    order = _order_or_404(number)
    counts = counts_from(request.POST)
    code = request.POST.get("code", "").strip()[:64]
    result = pack_scan(rows=pack_rows(order=order), counts=counts, code=code)
    error = SCAN_ERRORS[result.error] % {"code": code} if result.error else ""
    context = _pack_context(order, result.counts, error=error, scanned=code, last=result.position)
    if not request.htmx:  # a browser without JavaScript posts the scan form itself
        return render(request, "web/packing_order.html", {**context, "parcels": ParcelsForm(
            default=default_parcel(order))})
    return render(request, "web/packing_order.html#scan", context)


@require_POST
@login_required
def packing_pack(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    counts = counts_from(request.POST)
    parcels = ParcelsForm(request.POST)
    rows = {row.position: row for row in pack_rows(order=order)}
    items = [PackItem(rows[p].sku, n) for p, n in sorted(counts.items()) if n and p in rows]
    if parcels.is_valid():
        try:
            shipment = order_pack(order=order, items=items, parcels=parcels.parcels(), actor=_actor(request))
        except DomainError as exc:
            parcels.add_error(None, exc.message)
        else:
            messages.success(request, _("Packed: shipment %(number)s.") % {"number": shipment.number})
            if request.POST.get("then") == "book":  # "Packed, book and print label"
                return book_after_packing(request, shipment)
            return redirect("web:shipment_detail", number=shipment.number)
    return render(request, "web/packing_order.html", {**_pack_context(order, counts), "parcels": parcels},
                  status=422)


# --- shipments ------------------------------------------------------------------------------


def _shipment_or_404(number: str):
    try:
        return shipment_get(number=number)
    except NotFound:
        raise Http404(number)


@require_GET
@login_required
def shipment_detail(request: HttpRequest, number: str) -> HttpResponse:
    shipment = _shipment_or_404(number)
    return render(request, "web/shipment_detail.html", {
        "shipment": shipment, **shipment_page_context(request, shipment)})


@require_POST
@login_required
def shipment_hand_over_view(request: HttpRequest, number: str) -> HttpResponse:
    shipment = _shipment_or_404(number)
    try:
        shipment_handed_over(shipment=shipment, actor=_actor(request))
        messages.success(request, _("Shipment %(number)s handed to the carrier.") % {"number": shipment.number})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("web:shipment_detail", number=shipment.number)


@require_GET
@login_required
def shipment_delivery_note(request: HttpRequest, number: str) -> HttpResponse:
    return _pdf("delivery_note", _shipment_or_404(number).number)

