"""Back office: deliver an order's digital goods now (after a parked delivery got its licence
keys). POST, then back to the order with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.digital_delivery import digital_delivery_if_paid
from kontorhaus.fulfillment.models import DigitalDeliveryStatus
from kontorhaus.sales.selectors import order_get


@require_POST
@login_required
def order_digital_delivery_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_get(number=number)
    except NotFound:
        raise Http404(number)
    try:
        delivery = digital_delivery_if_paid(order=order, actor=Actor("user", request.user.get_username()))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:order_detail", number=order.number)
    if delivery is None:
        messages.info(request, _("Nothing to deliver: the order is not paid, or its digital goods are delivered."))
    elif delivery.status == DigitalDeliveryStatus.PARKED:
        messages.error(request, _("Digital delivery still parked: %(reason)s") % {"reason": delivery.reason})
    else:
        messages.success(request, _("Digital goods delivered; the e-mail with the download links is queued."))
    return redirect("web:order_detail", number=order.number)
