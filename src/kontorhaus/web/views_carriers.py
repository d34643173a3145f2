"""Settings → Carriers: the shop's carrier accounts (DHL through the API, or manual carriers
whose tracking numbers are typed or imported). Staff only, like every settings page: the
credentials here book parcels on the shop's bill.

Credentials are write-only: the list and the form show "set …1234" at most, never the value,
and an empty credential field keeps what is stored (services_carriers.carrier_account_set)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.shipment_booking import CarrierRefused, carrier_account_check
from kontorhaus.fulfillment.models import CarrierAccount
from kontorhaus.fulfillment.selectors_carriers import carrier_account_get, carrier_account_list
from kontorhaus.fulfillment.services_carriers import carrier_account_set

from .forms_carriers import CarrierAccountForm
from .views_settings import _actor, _domain_error, staff_required


def _account_or_404(code: str) -> CarrierAccount:
    try:
        return carrier_account_get(code=code[:32])
    except NotFound:
        raise Http404(code[:32])


@require_GET
@staff_required
def carrier_account_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/carrier_list.html", {"accounts": carrier_account_list()})


def _taken(code: str) -> bool:
    try:
        carrier_account_get(code=code)
    except NotFound:
        return False
    return True


def _save(request: HttpRequest, account: CarrierAccount | None) -> HttpResponse:
    form = CarrierAccountForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid() and account is None and _taken(form.cleaned_data["code"]):
        # "new" never overwrites an existing account (a second tab, a replayed POST)
        form.add_error("code", _("A carrier account with this code exists already."))
    if request.method == "POST" and form.is_valid():
        try:
            saved = carrier_account_set(code=form.account_code(), data=form.account_data(),
                                        credentials=form.credentials(), actor=_actor(request))
        except DomainError as error:
            _domain_error(form, error)
        else:
            messages.success(request, _("Carrier account %(code)s saved.") % {"code": saved.code})
            return redirect("web:carrier_account_list")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/carrier_form.html", {"form": form, "account": account}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def carrier_account_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@require_http_methods(["GET", "POST"])
@staff_required
def carrier_account_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _save(request, _account_or_404(code))


@require_POST
@staff_required
def carrier_account_test(request: HttpRequest, code: str) -> HttpResponse:
    """A dry run at the carrier (DHL validates a sample parcel and books nothing)."""
    account = _account_or_404(code)
    try:
        carrier_account_check(account=account)
    except CarrierRefused as error:
        messages.error(request, _("The carrier refused the test: %(message)s") % {"message": error.message})
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Connection works: %(name)s accepted a test parcel (nothing was booked).")
                         % {"name": account.name})
    return redirect("web:carrier_account_list")
