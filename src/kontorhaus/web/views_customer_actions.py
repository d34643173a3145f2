"""Commands on a customer from their page (post/redirect/get)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.customers.selectors import customer_get
from kontorhaus.customers.services import customer_invoicing_set
from kontorhaus.flows.credit_limit import customer_credit_limit_change


class CreditLimitForm(forms.Form):
    credit_limit = forms.DecimalField(label=gettext_lazy("Credit limit"), required=False, min_value=0,
                                      max_digits=12, decimal_places=2, localize=True)


class InvoicingForm(forms.Form):
    vat_id = forms.CharField(label=gettext_lazy("VAT id"), required=False, max_length=32)
    einvoice_format = forms.ChoiceField(label=gettext_lazy("E-invoice"), required=False, choices=[
        ("", gettext_lazy("PDF (ZUGFeRD/Factur-X)")), ("xrechnung_cii", gettext_lazy("XRechnung (CII)")),
        ("xrechnung_ubl", gettext_lazy("XRechnung (UBL)"))])
    buyer_reference = forms.CharField(label=gettext_lazy("Buyer reference / Leitweg-ID"), required=False,
                                      max_length=64)


@require_POST
@login_required
def customer_invoicing(request: HttpRequest, number: str) -> HttpResponse:
    try:
        customer = customer_get(number=number)
    except NotFound:
        raise Http404(number)
    form = InvoicingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            customer_invoicing_set(customer=customer, actor=Actor("user", request.user.get_username()),
                                   **form.cleaned_data)
            messages.success(request, _("Invoicing settings saved."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("web:customer_detail", number=customer.number)


@require_POST
@login_required
def customer_credit_limit(request: HttpRequest, number: str) -> HttpResponse:
    try:
        customer = customer_get(number=number)
    except NotFound:
        raise Http404(number)
    form = CreditLimitForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            customer_credit_limit_change(customer=customer, limit=form.cleaned_data["credit_limit"],
                                      actor=Actor("user", request.user.get_username()))
            messages.success(request, _("Credit limit saved."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("web:customer_detail", number=customer.number)
