"""The customer's tracking page in the portal: `/portal/o/<token>/tracking`.

Reached by the signed link in the shipment e-mail (purpose "tracking": this page only), or from
the order's portal page (purpose "order", after the QR code or the lookup by order number and
postal code). It shows, per parcel, the carrier, the tracking number with a link to the
carrier's own tracking, where the parcel is as steps (ordered → shipped → in transit → out for
delivery → delivered, or a problem) and the carrier's events, newest first.

Like every portal page: no login, GET only, nothing written, noindex and never cached; a
tampered, foreign or expired token answers 404 with a friendly page that tells how to find the
order again, and says nothing about whether the order exists. The order shown is the one in the
signed token, and only its parcels are read.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kontorhaus.core.selectors import company_profile_name
from kontorhaus.fulfillment.selectors_tracking import ParcelTracking, TrackingEventView, order_tracking

from .portal_links import ORDER, TRACKING, portal_link_read, portal_link_read_for_page

PORTAL_PAGES = ("order", "tracking", "withdrawal", "return")

STEPS = (("ordered", _("Ordered")), ("shipped", _("Shipped")), ("in_transit", _("In transit")),
         ("out_for_delivery", _("Out for delivery")), ("delivered", _("Delivered")))
# How far along the steps each parcel status is (0 = ordered).
_REACHED = {"label_created": 1, "in_transit": 2, "out_for_delivery": 3, "delivered": 4}
# Statuses that stop the parcel short of delivery: the steps halt where it got to, and say why.
PROBLEMS = {"exception": _("There is a problem with this parcel. The carrier is on it; if it takes longer, "
                           "we will write to you."),
            "returned": _("This parcel is on its way back to us. We will contact you.")}
STATUS_LABELS = {"": _("Being prepared"), "label_created": _("Label created"), "in_transit": _("In transit"),
                 "out_for_delivery": _("Out for delivery"), "delivered": _("Delivered"),
                 "exception": _("Problem"), "returned": _("Returned to sender"), "unknown": _("Update")}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # "done", "current", "problem" (stopped here) or "todo"


@dataclass(frozen=True)
class ParcelPage:
    parcel: ParcelTracking
    steps: tuple[Step, ...]
    problem: str
    status_label: str
    events: tuple[tuple[TrackingEventView, str], ...]  # (event, its status in words), newest first


def _label(status: str) -> str:
    return str(STATUS_LABELS.get(status, STATUS_LABELS["unknown"]))


def _reached(parcel: ParcelTracking) -> int:
    if parcel.status in _REACHED:
        return _REACHED[parcel.status]
    # A problem: the furthest step any event got to, at least "shipped" (the parcel has a label).
    return max((_REACHED.get(event.status, 0) for event in parcel.events), default=1) or 1


def _step_state(index: int, reached: int, *, problem: bool) -> str:
    if index < reached or reached == len(STEPS) - 1:
        return "done"
    if index == reached:
        return "problem" if problem else "current"
    return "todo"


def parcel_page(parcel: ParcelTracking) -> ParcelPage:
    reached, problem = _reached(parcel), str(PROBLEMS.get(parcel.status, ""))
    return ParcelPage(
        parcel=parcel, problem=problem, status_label=_label(parcel.status),
        steps=tuple(Step(key, str(label), _step_state(index, reached, problem=bool(problem)))
                    for index, (key, label) in enumerate(STEPS)),
        events=tuple((event, _label(event.status)) for event in parcel.events),
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves for another site (the carrier)
    return response


def _nav(token: str) -> dict[str, str]:
    """The portal's links to the order's other pages — only when the token opens the whole order
    (a tracking-only link from the shipment e-mail leads nowhere else)."""
    if portal_link_read(token, purpose=ORDER) is None:
        return {}
    return {page: reverse(f"web:portal_{page}", kwargs={"token": token}) for page in PORTAL_PAGES} | {
        "current": "tracking"}


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_tracking(request: HttpRequest, token: str) -> HttpResponse:
    order_number = portal_link_read_for_page(token, page=TRACKING)
    if order_number is None:  # tampered, foreign, expired: one answer, like every portal page
        return _private(render(request, "web/portal_refused.html", {
            "shop_name": company_profile_name(), "lookup_url": reverse("web:portal_lookup")}, status=404))
    return _private(render(request, "web/portal_tracking.html", {
        "shop_name": company_profile_name(), "order_number": order_number, "urls": _nav(token),
        "parcels": [parcel_page(parcel) for parcel in order_tracking(order_number=order_number)],
    }))
