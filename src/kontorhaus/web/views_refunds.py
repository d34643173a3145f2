"""Refunds from the back office: refund (part of) a payment from the order page, confirm that a
sent refund arrived, retry a failed one (against its credit note), and the SEPA export page for
bank refunds (export, download again)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontorhaus.billing.models_refunds import Refund
from kontorhaus.billing.refunds.selectors import (
    payment_for_refund,
    refund_get,
    refunds_awaiting_export_list,
    sepa_export_get,
    sepa_export_list,
)
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.refund import BankAccount, refund_request, refund_retry
from kontorhaus.flows.refund_settle import refund_confirm, refund_sepa_export
from kontorhaus.sales.selectors import order_get

from .forms_refunds import RefundForm
from .views_order_actions import _form_errors


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


@require_POST
@login_required
def order_refund_create(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_get(number=number)
    except NotFound:
        raise Http404(number)
    form = RefundForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("web:order_detail", number=order.number)
    data = form.cleaned_data
    account = BankAccount(iban=data["iban"], name=data["account_name"]) if data["iban"] else None
    try:
        payment = payment_for_refund(order_number=order.number, reference=data["payment"] or None)
        refund_request(order=order, payment=payment, amount=data["amount"], reason=data["reason"],
                       with_credit_note=data["with_credit_note"], actor=_actor(request), bank_account=account)
        messages.success(request, _("Refund requested."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:order_detail", number=order.number)


def _refund_action(request: HttpRequest, reference: str, action: Callable[..., Refund], done: str) -> HttpResponse:
    """Apply `action` (a flow taking `refund` and `actor`) to a refund; back to its order."""
    try:
        refund = refund_get(reference=reference)
    except NotFound:
        raise Http404(reference)
    try:
        action(refund=refund, actor=_actor(request))
        messages.success(request, done)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:order_detail", number=refund.order_number)


@require_POST
@login_required
def refund_confirm_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _refund_action(request, reference, refund_confirm, _("Refund confirmed."))


@require_POST
@login_required
def refund_retry_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _refund_action(request, reference, refund_retry, _("Refund requested again."))


@login_required
def refund_sepa_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            export = refund_sepa_export(actor=_actor(request))
            if export is None:
                messages.info(request, _("No bank refunds to export."))
            else:
                messages.success(request, _("SEPA file %(id)s created.") % {"id": export.message_id})
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("web:refund_sepa")
    return render(request, "web/refund_sepa.html", {"pending": refunds_awaiting_export_list(),
                                                     "exports": sepa_export_list()})


@login_required
def refund_sepa_download(request: HttpRequest, message_id: str) -> HttpResponse:
    try:
        export = sepa_export_get(message_id=message_id)
    except NotFound:
        raise Http404(message_id)
    response = HttpResponse(bytes(export.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
