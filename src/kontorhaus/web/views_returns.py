"""Back-office pages for returns: the list, a return by hand (several orders or goods without an
order), receiving by scanning the slip or label, inspection per line, the refund proposal and its
approval, withdrawals with their refund deadlines (and one typed in from a letter or call), the
return reasons and rates per article, and the return settings.

Thin views (STYLE 21): forms check the shape, flows and services decide; a DomainError becomes
a form error or a message, and nothing is changed."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.return_received import return_goods_received, return_inspect, return_scanned
from kontorhaus.flows.return_refund import return_refund_approve
from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.selectors import (
    ReturnFilter,
    return_get,
    return_list,
    return_photo_get,
    return_rates_by_article,
    withdrawal_list,
)
from kontorhaus.returns.services import WithdrawalDeclaration, return_policy_get, return_policy_update
from kontorhaus.returns.services_inspection import return_cancel, return_close
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.sales.models import LineKind

from .forms_returns import (
    REASONS,
    BackOfficeWithdrawalForm,
    InspectionForm,
    ManualReturnForm,
    PolicyForm,
    ScanReturnForm,
)
from .returns_input import inspections_from, manual_draft, order_find

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _get(number: str):  # noqa: ANN202 - ReturnRequest
    try:
        return return_get(number=number)
    except NotFound:
        raise Http404(number)


@require_GET
@login_required
def return_list_view(request: HttpRequest) -> HttpResponse:
    filters = ReturnFilter(status=request.GET.get("status", "open")[:20], search=request.GET.get("q", "")[:64])
    page = Paginator(return_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/return_list.html", {"page": page, "filters": filters,
                                                    "statuses": ReturnStatus.choices, "scan_form": ScanReturnForm()})


@require_http_methods(["GET", "POST"])
@login_required
def return_create_view(request: HttpRequest) -> HttpResponse:
    form = ManualReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = manual_draft(form.cleaned_data, actor=_actor(request))
        except DomainError as error:
            form.add_error("lines" if error.details.get("field", "").startswith("lines") else None, error.message)
        else:
            messages.success(request, _("Return %(number)s registered.") % {"number": created.number})
            return redirect("web:return_detail", number=created.number)
    return render(request, "web/return_form.html", {"form": form, "reasons": REASONS})


@require_POST
@login_required
def return_scan_view(request: HttpRequest) -> HttpResponse:
    """Scan the slip (order number), the return number or the label: the return is received."""
    form = ScanReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scan the return slip or label."))
        return redirect("web:return_list")
    try:
        found = return_scanned(code=form.cleaned_data["code"])
        if found.status == ReturnStatus.REGISTERED:
            return_goods_received(request=found, actor=_actor(request))
            messages.success(request, _("Return %(number)s received: inspect it now.") % {"number": found.number})
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:return_list")
    return redirect("web:return_detail", number=found.number)


@require_GET
@login_required
def return_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    found = _get(number)
    lines = list(found.lines.all())
    form = InspectionForm(lines=lines) if found.status == ReturnStatus.RECEIVED else None
    return render(request, "web/return_detail.html", _detail(found, lines, form))


def _detail(found: ReturnRequest, lines: list, form: InspectionForm | None) -> dict:
    # Cancelling is offered only while no line is inspected (return_cancel refuses it after).
    can_cancel = found.status in (ReturnStatus.REGISTERED, ReturnStatus.RECEIVED) and not any(
        line.inspected_at for line in lines)
    return {"ret": found, "lines": lines, "form": form, "can_cancel": can_cancel}


@require_POST
@login_required
def return_receive_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        return_goods_received(request=_get(number), actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:return_detail", number=number)


# The service names a line's field as lines[<position>].<name>; the form calls it <name>_<position>.
LINE_FIELD = re.compile(r"^lines\[(\d+)\]\.(\w+)$")
FORM_NAMES = {"condition": "condition", "disposition": "disposition", "bin": "bin", "article": "article",
              "loss_of_value": "loss", "note": "note"}


def _inspection_field(form: InspectionForm, error: DomainError) -> str | None:
    """The form field an inspection error belongs to, so it shows beside the line; else None."""
    match = LINE_FIELD.match(str(error.details.get("field", "")))
    name = match and FORM_NAMES.get(match.group(2))
    return f"{name}_{match.group(1)}" if name and f"{name}_{match.group(1)}" in form.fields else None


@require_POST
@login_required
def return_inspect_view(request: HttpRequest, number: str) -> HttpResponse:
    found = _get(number)
    lines = list(found.lines.all())
    form = InspectionForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            inspections = inspections_from(form, lines)
            return_inspect(request=found, inspections=inspections, actor=_actor(request))
        except DomainError as error:
            form.add_error(_inspection_field(form, error), error.message)
        else:
            messages.success(request, _("Inspection saved."))
            return redirect("web:return_detail", number=number)
    return render(request, "web/return_detail.html", _detail(found, lines, form), status=422)


@require_POST
@login_required
def return_approve_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        done = return_refund_approve(request=_get(number), actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Refund approved: credit note %(notes)s.") % {
            "notes": ", ".join(done.credit_notes) or "—"})
    return redirect("web:return_detail", number=number)


@require_POST
@login_required
def return_close_view(request: HttpRequest, number: str) -> HttpResponse:
    action = return_cancel if request.POST.get("action") == "cancel" else return_close
    try:
        action(request=_get(number), actor=_actor(request), reason=request.POST.get("reason", "")[:200])
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:return_detail", number=number)


@require_GET
@login_required
def return_photo_view(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    try:
        photo = return_photo_get(number=number, photo_id=photo_id)
    except NotFound:
        raise Http404("photo")
    response = HttpResponse(bytes(photo.content), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}"'
    return response


@require_GET
@login_required
def return_label_view(request: HttpRequest, number: str) -> HttpResponse:
    found = _get(number)
    if not found.label_pdf:
        raise Http404("no label")
    response = HttpResponse(bytes(found.label_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.number}-label.pdf"'
    return response


@require_GET
@login_required
def withdrawal_list_view(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("all") != "1"
    page = Paginator(withdrawal_list(open_only=open_only), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/withdrawal_list.html", {
        "page": page, "open_only": open_only, "today": clock.today(),
        "alert_days": return_policy_get().refund_alert_days})


@require_GET
@login_required
def return_rates_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/return_rates.html", {"rows": return_rates_by_article(), "reasons": REASONS})


@require_http_methods(["GET", "POST"])
@login_required
def return_settings_view(request: HttpRequest) -> HttpResponse:
    policy = return_policy_get()
    form = PolicyForm(request.POST or None, initial={name: getattr(policy, name) for name in PolicyForm.base_fields})
    if request.method == "POST":
        if not request.user.is_staff:
            raise Http404("settings")
        if form.is_valid():
            try:
                return_policy_update(changes=form.cleaned_data, actor=_actor(request))
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Return settings saved."))
                return redirect("web:return_settings")
    return render(request, "web/return_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def withdrawal_create_view(request: HttpRequest) -> HttpResponse:
    """A withdrawal that came by e-mail, phone or letter, typed in: confirmed like one from the portal."""
    number = (request.POST.get("order") or request.GET.get("order") or "").strip()[:32]
    order = order_find(number=number) if number else None
    lines = list(order.lines.filter(kind=LineKind.ARTICLE)) if order else []
    initial = {"customer_name": order.customer_name, "customer_email": order.customer_email} if order else {}
    form = BackOfficeWithdrawalForm(request.POST or None, lines=lines, initial=initial)
    if request.method == "POST" and order is not None and form.is_valid():
        data = form.cleaned_data
        try:
            withdrawal_declare(order=order, declaration=WithdrawalDeclaration(
                customer_name=data["customer_name"], customer_email=data["customer_email"], channel=data["channel"],
                statement=data["statement"], items=form.items(), declared_at=data.get("received_at")),
                actor=_actor(request))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Withdrawal recorded; the confirmation e-mail is queued."))
            return redirect("web:withdrawal_list")
    status = 422 if request.method == "POST" else 200
    if number and order is None:
        messages.error(request, _("Order %(number)s not found.") % {"number": number})
    return render(request, "web/withdrawal_form.html", {
        "form": form, "order": order, "number": number,
        "item_fields": [form[f"item_{line.position}"] for line in lines]}, status=status)
