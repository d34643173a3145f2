"""Settings pages: company profile, number formats, VAT rate table. Staff only: what is set
here is printed on every document and decides every invoice's number and VAT."""

import functools
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.models import NumberKind
from kontorhaus.core.selectors import company_profile_get, number_format_list, vat_rate_table
from kontorhaus.core.services import company_profile_update, number_format_update, vat_rate_table_import

from .forms_settings import CompanyProfileForm, NumberFormatForm, VatRateFileForm


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    @login_required
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied(_("Only staff may change the settings."))
        return view(request, *args, **kwargs)

    return checked


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _domain_error(form: forms.Form, error: DomainError) -> None:
    errors = error.details.get("errors") or {error.details.get("field"): error.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
@staff_required
def company_profile_edit(request: HttpRequest) -> HttpResponse:
    profile = company_profile_get()
    form = CompanyProfileForm(request.POST or None, request.FILES or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            company_profile_update(changes=form.changes(), actor=_actor(request))
        except DomainError as error:
            _domain_error(form, error)
        else:
            messages.success(request, _("Company profile saved."))
            return redirect("web:settings_company")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/settings_company.html", {"form": form, "profile": profile}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def number_format_edit(request: HttpRequest) -> HttpResponse:
    failed: NumberFormatForm | None = None
    if request.method == "POST":
        form = NumberFormatForm(request.POST)
        if form.is_valid():
            try:
                change = number_format_update(
                    kind=NumberKind(form.cleaned_data["kind"]), prefix=form.cleaned_data["prefix"],
                    pattern=form.cleaned_data["pattern"], padding=form.cleaned_data["padding"],
                    actor=_actor(request))
            except DomainError as error:
                _domain_error(form, error)
            else:
                year = clock.today().year
                text = (_("Saved. New numbers use it from now on.") if change.applies_from == year else
                        _("Saved. Numbers were already issued this year, so it applies from %(year)s.")
                        % {"year": change.applies_from})
                messages.success(request, text)
                return redirect("web:settings_numbering")
        failed = form
    rows = []
    for row in number_format_list():
        form = failed if failed is not None and failed.data.get("kind") == row.kind else NumberFormatForm(
            initial={"kind": row.kind, "prefix": row.prefix, "pattern": row.pattern, "padding": row.padding})
        rows.append({"row": row, "form": form, "label": NumberKind(row.kind).label})
    status = 422 if failed is not None else 200
    return render(request, "web/settings_numbering.html", {"rows": rows, "year": clock.today().year},
                  status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def vat_rate_table_view(request: HttpRequest) -> HttpResponse:
    form = VatRateFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = vat_rate_table_import(raw=form.cleaned_data["file"], actor=_actor(request))
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Imported %(rows)s rates of %(countries)s countries.")
                             % {"rows": result.rows, "countries": result.countries})
            return redirect("web:settings_vat_rates")
    today = clock.today()
    rows = vat_rate_table(on=today)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/settings_vat_rates.html", {
        "form": form, "rows": rows, "today": today, "source": rows[0].source if rows else "",
    }, status=status)
