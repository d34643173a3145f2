"""Shipping in the back office: booking a shipment with its carrier (from the shipment page,
right after packing, or a whole pick run at once), its labels as one PDF, cancelling a booking,
tracking numbers typed or imported for manual carriers, and the tracking alerts a person has
to look at.

Thin views (STYLE 21): the flows call the carrier and decide; a DomainError becomes a message.
A refused booking needs no message of its own here: the flow keeps the carrier's words on the
shipment (`booking_error`) and the shipment page shows them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontorhaus.core.exceptions import DomainError, InvalidTransition, NotFound
from kontorhaus.flows.shipment_booking import CarrierRefused, shipment_book, shipment_booking_cancel, shipments_book
from kontorhaus.flows.tracking_import import parcel_tracking_number_entered, tracking_numbers_import
from kontorhaus.fulfillment.labels import labels_pdf
from kontorhaus.fulfillment.models import CarrierKind, Shipment
from kontorhaus.fulfillment.selectors_carriers import carrier_account_of
from kontorhaus.fulfillment.selectors_picking import pick_run_get, shipment_get
from kontorhaus.fulfillment.selectors_shipping_pages import (
    shipment_list_for_pick_run,
    tracking_alert_get,
    tracking_alert_list_for_shipment,
)
from kontorhaus.fulfillment.selectors_tracking import shipment_tracking, tracking_alert_list
from kontorhaus.fulfillment.services_tracking import tracking_alert_resolve
from kontorhaus.fulfillment.states_picking import ShipmentStatus

from .forms_carriers import TrackingImportForm, TrackingNumberForm
from .views_portal_tracking import STATUS_LABELS
from .views_settings import _actor

BOOKABLE = (ShipmentStatus.PACKED, ShipmentStatus.BOOKED)
NUMBER_MAX = 32


def _shipment_or_404(number: str) -> Shipment:
    try:
        return shipment_get(number=number[:NUMBER_MAX])
    except NotFound:
        raise Http404(number[:NUMBER_MAX])


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- the shipment page's shipping panel ------------------------------------------------------


def shipment_page_context(request: HttpRequest, shipment: Shipment) -> dict:
    """What the shipment page shows about booking and tracking (views_fulfillment.shipment_detail)."""
    account = carrier_account_of(shipment)
    api = account is not None and account.kind == CarrierKind.DHL_PARCEL_DE and account.active
    parcels = {p.position: p for p in shipment.parcels.all()}
    has_labels = any(p.label_pdf for p in parcels.values())
    tracking = [{"tracking": t, "parcel": parcels.get(t.position), "status_label": STATUS_LABELS.get(
        t.status, STATUS_LABELS["unknown"]), "events": [(e, STATUS_LABELS.get(e.status, STATUS_LABELS["unknown"]))
                                                        for e in t.events]}
                for t in shipment_tracking(shipment=shipment)]
    manual = not api and shipment.status in (*BOOKABLE, ShipmentStatus.SHIPPED) and not has_labels
    default_carrier = account.tracking_carrier if account is not None else (shipment.carrier or "").lower()
    return {
        "account": account, "can_book": api and shipment.status == ShipmentStatus.PACKED,
        "can_cancel": shipment.status == ShipmentStatus.BOOKED and has_labels, "has_labels": has_labels,
        "manual_entry": manual,
        "tracking_form": TrackingNumberForm(auto_id=False, initial={"carrier": default_carrier}),
        "parcels_tracking": tracking, "alerts": tracking_alert_list_for_shipment(shipment=shipment),
        "print_label": has_labels and request.GET.get("print") == "label",
    }


def _book(request: HttpRequest, shipment: Shipment) -> bool:
    """Book and say how it went; True when the shipment is booked now."""
    try:
        booked = shipment_book(shipment=shipment, actor=_actor(request),
                               carrier_checked=request.POST.get("carrier_checked") == "1")
    except CarrierRefused:
        return False  # the carrier's message is on the shipment, the page shows it
    except InvalidTransition as error:
        if error.code == "already_booked":
            messages.warning(request, _("Shipment %(number)s is booked already; nothing was booked again.")
                             % {"number": shipment.number})
        else:
            messages.error(request, error.message)
        return False
    except DomainError as error:
        messages.error(request, _("Not booked: %(reason)s") % {"reason": error.message})
        return False
    numbers = ", ".join(p.tracking_number for p in booked.parcels.all())
    messages.success(request, _("Booked with %(carrier)s: %(numbers)s.") % {
        "carrier": booked.carrier_account.name, "numbers": numbers})
    return True


def book_after_packing(request: HttpRequest, shipment: Shipment) -> HttpResponse:
    """The packing station's "Packed, book and print label": the same booking as the shipment
    page's button, then the shipment page with the label open for printing."""
    booked = _book(request, shipment)
    url = reverse("web:shipment_detail", kwargs={"number": shipment.number})
    return redirect(f"{url}?print=label" if booked else url)


@require_POST
@login_required
def shipment_book_view(request: HttpRequest, number: str) -> HttpResponse:
    shipment = _shipment_or_404(number)
    booked = _book(request, shipment)
    url = reverse("web:shipment_detail", kwargs={"number": shipment.number})
    return redirect(f"{url}?print=label" if booked and request.POST.get("print") else url)


@require_POST
@login_required
def shipment_booking_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    shipment = _shipment_or_404(number)
    try:
        shipment_booking_cancel(shipment=shipment, actor=_actor(request))
    except DomainError as error:
        messages.error(request, _("The booking was not cancelled: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, _("Booking of %(number)s cancelled; the shipment can be booked again.")
                         % {"number": shipment.number})
    return redirect("web:shipment_detail", number=shipment.number)


@require_GET
@login_required
def shipment_labels_pdf(request: HttpRequest, number: str) -> HttpResponse:
    shipment = _shipment_or_404(number)
    if not any(p.label_pdf for p in shipment.parcels.all()):
        raise Http404(shipment.number)
    return _pdf(labels_pdf([shipment]), f"{shipment.number}-labels.pdf")


@require_POST
@login_required
def shipment_tracking_number(request: HttpRequest, number: str) -> HttpResponse:
    """A tracking number typed or scanned for one parcel (manual carriers)."""
    shipment = _shipment_or_404(number)
    form = TrackingNumberForm(request.POST)
    parcels = {p.position: p for p in shipment.parcels.all()}
    if not form.is_valid() or form.cleaned_data["parcel"] not in parcels:
        errors = [e for field in form.errors.values() for e in field] or [_("No such parcel.")]
        messages.error(request, _("Tracking number not saved: %(reason)s") % {"reason": " ".join(errors)})
        return redirect("web:shipment_detail", number=shipment.number)
    data = form.cleaned_data
    try:
        changed = parcel_tracking_number_entered(parcel=parcels[data["parcel"]], tracking_number=data[
            "tracking_number"], carrier=data["carrier"], actor=_actor(request))
    except DomainError as error:
        messages.error(request, _("Tracking number not saved: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, _("Tracking number saved.") if changed else
                         _("The parcel has this tracking number already; nothing changed."))
    return redirect("web:shipment_detail", number=shipment.number)


# --- pick runs ------------------------------------------------------------------------------


def _run_or_404(number: str):
    try:
        return pick_run_get(number=number[:NUMBER_MAX])
    except NotFound:
        raise Http404(number[:NUMBER_MAX])


@require_POST
@login_required
def pick_run_book(request: HttpRequest, number: str) -> HttpResponse:
    """Book every packed shipment of the run (booked ones count as booked: their labels print
    again), then one label PDF for all of them and a line per shipment."""
    run = _run_or_404(number)
    shipments = [s for s in shipment_list_for_pick_run(pick_run=run.number) if s.status in BOOKABLE]
    if not shipments:
        messages.warning(request, _("This pick run has no packed shipments to book."))
        return redirect("web:pick_run_detail", number=run.number)
    result = shipments_book(shipments=shipments, actor=_actor(request))
    return render(request, "web/shipping_pick_run_booking.html", {
        "run": run, "booked": result.booked, "failed": result.failed})


@require_GET
@login_required
def pick_run_labels_pdf(request: HttpRequest, number: str) -> HttpResponse:
    run = _run_or_404(number)
    booked = [s for s in shipment_list_for_pick_run(pick_run=run.number) if s.status == ShipmentStatus.BOOKED]
    if not any(p.label_pdf for s in booked for p in s.parcels.all()):
        raise Http404(run.number)
    return _pdf(labels_pdf(booked), f"{run.number}-labels.pdf")


# --- tracking -------------------------------------------------------------------------------


@require_GET
@login_required
def tracking_alert_list_view(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    return render(request, "web/tracking_alerts.html", {
        "alerts": tracking_alert_list(open_only=not show_all), "show_all": show_all})


@require_POST
@login_required
def tracking_alert_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alert = tracking_alert_get(pk=pk)
    except NotFound:
        raise Http404(str(pk))
    tracking_alert_resolve(alert=alert, actor=_actor(request))
    messages.success(request, _("Alert for %(order)s resolved.") % {"order": alert.order_number})
    if request.POST.get("back") == "shipment":
        return redirect("web:shipment_detail", number=alert.parcel.shipment.number)
    return redirect("web:tracking_alert_list")


@require_http_methods(["GET", "POST"])
@login_required
def tracking_import(request: HttpRequest) -> HttpResponse:
    """Tracking numbers from a CSV file: every line checked first; any bad line is listed with
    its number and nothing changes."""
    form = TrackingImportForm(request.POST, request.FILES) if request.method == "POST" else TrackingImportForm()
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = tracking_numbers_import(text=form.cleaned_data["file"], actor=_actor(request))
        except DomainError as error:
            errors = error.details.get("errors") or [error.message]
        else:
            messages.success(request, _("%(set)s tracking numbers set, %(unchanged)s unchanged.") % {
                "set": result.set, "unchanged": result.unchanged})
            return redirect("web:tracking_import")
    status = 422 if errors or (form.is_bound and form.errors) else 200
    return render(request, "web/shipping_tracking_import.html", {"form": form, "errors": errors}, status=status)
