"""The customer portal for an order: lookup, the order's page, withdrawal and return registration.

No login: a signed, expiring token in the URL (web.portal_links) is the customer's key to one
order, and every page reads only that order — a token for order A never shows order B, and a
return or withdrawal named in a URL is looked up within the token's order. An invalid, foreign
or expired token answers 404 with the same friendly page, whatever the reason. Every page is
noindex, never cached and sends no referrer to other sites; forms are CSRF-protected.

The withdrawal follows § 356a BGB: a button labelled "Vertrag widerrufen" / "Withdraw from
contract" leads to a confirmation step (name, order, e-mail for the confirmation, optionally
which items) with a second button "Widerruf bestätigen" / "Confirm withdrawal"; the receipt is
confirmed on the page at once and by e-mail (flows.withdrawal_declared).
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.flows.return_registered import return_address, return_label_fetch, return_register_and_notify
from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.selectors import return_by_form_token, return_list_for_order, withdrawal_list_for_order
from kontorhaus.returns.services import ReturnDraft, ReturnLineDraft, WithdrawalDeclaration, returnable_quantities
from kontorhaus.returns.states import Channel
from kontorhaus.sales.models import LineKind, SalesOrder

from . import labels
from .client_ip import client_ip
from .forms_returns import MAX_UPLOAD_BODY, LookupForm, ReturnRegistrationForm, WithdrawalForm
from .portal_links import (
    LOOKUP_DAYS,
    ORDER,
    RETURN,
    WITHDRAWAL,
    LookupThrottled,
    portal_link_make,
    portal_link_read_for_page,
    portal_lookup,
)

CUSTOMER = Actor("customer", "portal")
THROTTLED = gettext_lazy("Too many attempts. Please wait a quarter of an hour and try again.")
NOT_FOUND = gettext_lazy("We could not find an order with this number and postal code. Please check both.")


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves for another site
    return response


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return _private(render(request, template, {"shop_name": company_profile_name(), **context}, status=status))


def _refused(request: HttpRequest) -> HttpResponse:
    return _page(request, "web/portal_refused.html", {"lookup_url": reverse("web:portal_lookup")}, status=404)


def _order_for(token: str, page: str) -> SalesOrder | None:
    number = portal_link_read_for_page(token, page=page)
    if number is None:
        return None
    return SalesOrder.objects.filter(number=number).first()


def _urls(token: str, page: str) -> dict:
    """Links to the order's other pages — only when the token opens the whole order."""
    if portal_link_read_for_page(token, page=ORDER) is None:
        return {}
    return {name: reverse(f"web:portal_{name}", kwargs={"token": token})
            for name in ("order", "tracking", "withdrawal", "return")} | {"current": page}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_lookup_view(request: HttpRequest) -> HttpResponse:
    """Order number + postal code -> the order's page. Wrong code and unknown order read the same."""
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            number = portal_lookup(order_number=form.cleaned_data["order_number"],
                                   postal_code=form.cleaned_data["postal_code"],
                                   client_ip=client_ip(request) or "")
        except LookupThrottled:
            form.add_error(None, THROTTLED)
            status = 429
        else:
            if number is not None:
                return _private(HttpResponseRedirect(
                    portal_link_make(order_number=number, purpose=ORDER, max_age_days=LOOKUP_DAYS)))
            form.add_error(None, NOT_FOUND)
    return _page(request, "web/portal_lookup.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_order(request: HttpRequest, token: str) -> HttpResponse:
    order = _order_for(token, ORDER)
    if order is None:
        return _refused(request)
    return _page(request, "web/portal_order.html", {
        "order": order, "lines": order.lines.filter(kind=LineKind.ARTICLE),
        "returns": return_list_for_order(order_number=order.number),
        "withdrawals": withdrawal_list_for_order(order_number=order.number), "urls": _urls(token, "order"),
        "fulfillment": labels.label("fulfillment_state", order.fulfillment_state),
        "payment": labels.label("payment_state", order.payment_state),
    })


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_withdrawal(request: HttpRequest, token: str) -> HttpResponse:
    """Step 1: what a withdrawal means, and the clearly labelled button."""
    order = _order_for(token, WITHDRAWAL)
    if order is None:
        return _refused(request)
    return _page(request, "web/portal_withdrawal.html", {
        "order": order, "confirm_url": reverse("web:portal_withdrawal_confirm", kwargs={"token": token}),
        "urls": _urls(token, "withdrawal")})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_withdrawal_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: name, order, e-mail, optionally items — and "Confirm withdrawal"."""
    order = _order_for(token, WITHDRAWAL)
    if order is None:
        return _refused(request)
    lines = list(order.lines.filter(kind=LineKind.ARTICLE))
    # The e-mail is not filled in: the page must not show the order's address to whoever holds the
    # link, and the confirmation goes to the order's address anyway (flows.withdrawal_declared).
    initial = {"customer_name": order.customer_name}
    form = WithdrawalForm(request.POST or None, lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            withdrawal, _created = withdrawal_declare(order=order, declaration=WithdrawalDeclaration(
                customer_name=data["customer_name"], customer_email=data["customer_email"], channel=Channel.PORTAL,
                statement=data["statement"], items=form.items()), actor=CUSTOMER)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return _private(HttpResponseRedirect(reverse("web:portal_withdrawal_done", kwargs={
                "token": token, "reference": withdrawal.reference})))
    return _page(request, "web/portal_withdrawal_confirm.html", {
        "order": order, "form": form, "item_fields": [form[f"item_{line.position}"] for line in lines],
        "urls": _urls(token, "withdrawal")})


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_withdrawal_done(request: HttpRequest, token: str, reference: str) -> HttpResponse:
    order = _order_for(token, WITHDRAWAL)
    withdrawal = None
    if order is not None:
        withdrawal = next((w for w in withdrawal_list_for_order(order_number=order.number)
                           if str(w.reference) == reference), None)
    if withdrawal is None:
        return _refused(request)
    return _page(request, "web/portal_withdrawal_done.html", {
        "order": order, "withdrawal": withdrawal, "urls": _urls(token, "withdrawal"),
        "return_url": reverse("web:portal_return", kwargs={"token": token})})


def _returnable(order: SalesOrder) -> list:
    left = returnable_quantities(order=order)
    return [(line, left[line.position]) for line in order.lines.filter(kind=LineKind.ARTICLE)
            if left.get(line.position, 0) > 0]


def _register(order: SalesOrder, form: ReturnRegistrationForm) -> ReturnRequest:
    lines = tuple(ReturnLineDraft(order=order, position=p, quantity=q, reason=reason, reason_note=note, photos=photos)
                  for p, q, reason, note, photos in form.chosen())
    return return_register_and_notify(draft=ReturnDraft(channel=Channel.PORTAL, order=order, lines=lines,
                                                        customer_name=order.customer_name,
                                                        customer_email=order.customer_email,
                                                        form_token=form.cleaned_data["form_token"]), actor=CUSTOMER)


def _done(token: str, created: ReturnRequest) -> HttpResponse:
    return _private(HttpResponseRedirect(reverse("web:portal_return_done", kwargs={
        "token": token, "number": created.number})))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_return(request: HttpRequest, token: str) -> HttpResponse:
    """Choose items and quantities, a reason each (a photo for damaged goods), then the label."""
    order = _order_for(token, RETURN)
    if order is None:
        return _refused(request)
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BODY:
        return _page(request, "web/portal_refused.html", {"too_large": True}, status=413)
    if request.method == "POST":  # the same form sent twice (a double tap): the return it made
        same = return_by_form_token(order=order, token=request.POST.get("form_token", ""))
        if same is not None:
            return _done(token, same)
    form = ReturnRegistrationForm(request.POST or None, request.FILES or None, returnable=_returnable(order))
    if request.method == "POST" and form.is_valid():
        try:
            created = _register(order, form)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return_label_fetch(request=created, actor=CUSTOMER)
            return _done(token, created)
    return _page(request, "web/portal_return.html", {"order": order, "form": form, "urls": _urls(token, "return"),
                                                     "rows": form.rows()})


def _own_return(order: SalesOrder | None, number: str) -> ReturnRequest | None:
    if order is None:
        return None
    return next((r for r in return_list_for_order(order_number=order.number) if r.number == number), None)


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_return_done(request: HttpRequest, token: str, number: str) -> HttpResponse:
    order = _order_for(token, RETURN)
    created = _own_return(order, number)
    if created is None:
        return _refused(request)
    # Only this order's lines: a return the back office gathered from several orders must not show
    # another order's goods to this order's link.
    return _page(request, "web/portal_return_done.html", {
        "order": order, "created": created, "lines": created.lines.filter(order=order),
        "urls": _urls(token, "return"),
        "has_label": bool(created.label_tracking_number), "return_address": return_address(),
        "label_url": reverse("web:portal_return_label", kwargs={"token": token, "number": created.number})})


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_return_label(request: HttpRequest, token: str, number: str) -> HttpResponse:
    created = _own_return(_order_for(token, RETURN), number)
    if created is None:
        return _refused(request)
    pdf = ReturnRequest.objects.filter(pk=created.pk).values_list("label_pdf", flat=True).first()
    if not pdf:
        raise Http404("no label")
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{created.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)
