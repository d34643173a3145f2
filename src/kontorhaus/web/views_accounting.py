"""Accounting export in the back office: the DATEV Buchungsstapel of a period (form, list of
past exports with their download, and the note when a period was exported before). Thin views
(STYLE 21): the service checks the period and writes the file."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kontorhaus.billing.datev.selectors import datev_export_get, datev_export_list, datev_export_overlapping_list
from kontorhaus.billing.datev.services import NothingToExport, datev_export_create
from kontorhaus.billing.models_datev import DatevChart, DatevExport
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound

EXPORTS_SHOWN = 50


class DatevExportForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    chart = forms.ChoiceField(label=gettext_lazy("Chart of accounts"), choices=DatevChart.choices)


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _exported_before(export: DatevExport) -> list[str]:
    return [_("This period was already exported: %(from)s to %(to)s (%(chart)s) on %(when)s by %(who)s.") % {
        "from": formats.date_format(other.date_from, "SHORT_DATE_FORMAT"),
        "to": formats.date_format(other.date_to, "SHORT_DATE_FORMAT"), "chart": other.get_chart_display(),
        "when": formats.date_format(timezone.localtime(other.created_at), "SHORT_DATETIME_FORMAT"),
        "who": other.created_by.partition(":")[2] or other.created_by,
    } for other in datev_export_overlapping_list(date_from=export.date_from, date_to=export.date_to, exclude=export)]


@require_http_methods(["GET", "POST"])
@login_required
def datev_export_view(request: HttpRequest) -> HttpResponse:
    initial = {"chart": settings.KONTORHAUS.get("DATEV", {}).get("CHART", "skr03")}
    form = DatevExportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = datev_export_create(date_from=data["date_from"], date_to=data["date_to"], chart=data["chart"],
                                         actor=_actor(request))
        except NothingToExport:
            form.add_error(None, _("No invoices or credit notes in this period; nothing was exported."))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("DATEV file %(file)s created: %(documents)d documents, %(bookings)d "
                                        "bookings.") % {"file": export.filename, "documents": export.documents,
                                                        "bookings": export.bookings})
            for note in _exported_before(export):
                messages.warning(request, note)
            return redirect("web:datev_export")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/datev_export.html", {
        "form": form, "exports": datev_export_list(limit=EXPORTS_SHOWN),
    }, status=status)


@require_GET
@login_required
def datev_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        export = datev_export_get(pk=pk)
    except NotFound:
        raise Http404(str(pk))
    response = HttpResponse(bytes(export.content), content_type="text/csv; charset=windows-1252")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
