"""Commands on an order from its page: record a payment, cancel. POST, then back to the order
with a message (post/redirect/get)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.selectors import order_get
from kontorhaus.sales.services_fulfillment import order_partial_delivery_set

from .forms_orders import OrderCancelForm, PaymentRecordForm


def _order(number: str) -> SalesOrder:
    try:
        return order_get(number=number)
    except NotFound:
        raise Http404(number)


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@require_POST
@login_required
def order_payment_record(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(number)
    form = PaymentRecordForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = PaymentData(order_number=order.number, amount=form.cleaned_data["amount"], currency=order.currency,
                           method=form.cleaned_data["method"], source=PaymentSource.MANUAL,
                           reference=form.cleaned_data["reference"])
        try:
            payment_received(order=order, data=data, actor=Actor("user", request.user.get_username()))
            messages.success(request, _("Payment recorded."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("web:order_detail", number=order.number)


@require_POST
@login_required
def order_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(number)
    form = OrderCancelForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            order_cancel(order=order, actor=Actor("user", request.user.get_username()),
                         reason=form.cleaned_data["reason"])
            messages.success(request, _("Order cancelled."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("web:order_detail", number=order.number)


@require_POST
@login_required
def order_partial_delivery_view(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(number)
    try:
        order_partial_delivery_set(order=order, partial_delivery=request.POST.get("partial_delivery", ""),
                                   actor=Actor("user", request.user.get_username()))
        messages.success(request, _("Partial delivery saved."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:order_detail", number=order.number)
