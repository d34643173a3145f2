"""Bank statements in the back office: upload a statement, see what was imported, and decide
the lines that wait for review (book a suggestion, or ignore). Thin views (STYLE 21)."""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontorhaus.billing.bank.parsing import StatementFormatError, parse_statement
from kontorhaus.billing.bank.selectors import bank_statement_list, bank_transaction_get, bank_transaction_review_list
from kontorhaus.billing.bank.services import bank_transaction_ignore
from kontorhaus.billing.selectors import invoice_get
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.bank_statement_import import (
    DUPLICATE,
    ImportResult,
    bank_statement_import,
    bank_transaction_assign,
)

STATEMENTS_SHOWN = 50
REVIEW_SHOWN = 100
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Statement file (camt.053 or MT940)"))


class AssignForm(forms.Form):
    invoices = forms.CharField(max_length=400, label=gettext_lazy("Invoice numbers"))

    def numbers(self) -> list[str]:
        text = self.cleaned_data["invoices"].replace(",", " ")
        return list(dict.fromkeys(n.strip().upper() for n in text.split() if n.strip()))


class IgnoreForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label=gettext_lazy("Reason"))


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _summary(result: ImportResult) -> str:
    lines = [line for st in result.statements for line in st.lines]
    counts = {s: sum(1 for line in lines if line.status == s) for s in ("booked", "review", "ignored", DUPLICATE)}
    return _("Statement imported: %(lines)d lines, %(booked)d booked, %(review)d to review, %(ignored)d ignored, "
             "%(duplicate)d already imported.") % {"lines": len(lines), **counts}


@require_http_methods(["GET", "POST"])
@login_required
def bank_statement_list_view(request: HttpRequest) -> HttpResponse:
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            data = upload.read()
            try:
                statements = parse_statement(data, filename=upload.name)
                result = bank_statement_import(statements=statements, file_sha256=hashlib.sha256(data).hexdigest(),
                                               actor=_actor(request))
            except StatementFormatError as error:
                form.add_error("file", str(error))
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _summary(result))
                return redirect("web:bank_statement_list")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/bank_statement_list.html", {
        "form": form, "statements": list(bank_statement_list()[:STATEMENTS_SHOWN]),
    }, status=status)


@require_GET
@login_required
def bank_review_list_view(request: HttpRequest) -> HttpResponse:
    transactions = list(bank_transaction_review_list()[: REVIEW_SHOWN + 1])
    return render(request, "web/bank_review_list.html", {
        "transactions": transactions[:REVIEW_SHOWN], "more": len(transactions) > REVIEW_SHOWN,
        "shown": REVIEW_SHOWN,
    })


def _line(pk: int):
    try:
        return bank_transaction_get(pk=pk)
    except NotFound:
        raise Http404(str(pk))


@require_POST
@login_required
def bank_transaction_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter one or more invoice numbers."))
        return redirect("web:bank_review_list")
    try:
        invoices = [invoice_get(number=number) for number in form.numbers()]
        bank_transaction_assign(transaction=line, invoices=invoices, actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Booked %(amount)s %(currency)s to %(invoices)s.") % {
            "amount": line.amount, "currency": line.currency, "invoices": ", ".join(form.numbers())})
    return redirect("web:bank_review_list")


@require_POST
@login_required
def bank_transaction_ignore_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(pk)
    form = IgnoreForm(request.POST)
    form.is_valid()
    try:
        bank_transaction_ignore(transaction=line, reason=form.cleaned_data.get("reason", ""), actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The line is ignored."))
    return redirect("web:bank_review_list")
