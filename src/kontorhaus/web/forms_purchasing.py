"""Forms of the purchasing pages: shape only; the services check the business rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kontorhaus.purchasing.services import SupplierData, SupplierTermsData
from kontorhaus.purchasing.states import PurchaseOrderStatus

from .forms import whole_number

PO_STATUS = {
    PurchaseOrderStatus.DRAFT: _("Draft"),
    PurchaseOrderStatus.ORDERED: _("Ordered"),
    PurchaseOrderStatus.PARTIALLY_RECEIVED: _("Partially received"),
    PurchaseOrderStatus.RECEIVED: _("Received"),
    PurchaseOrderStatus.CANCELLED: _("Cancelled"),
}


class SupplierForm(forms.Form):
    number = forms.CharField(label=_("Supplier number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=16, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, initial="DE")
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30)
    vat_id = forms.CharField(label=_("VAT id"), max_length=32, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("de", _("German")), ("en", _("English"))])
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def data_for_service(self) -> SupplierData:
        values = {k: v for k, v in self.cleaned_data.items() if k != "number"}
        return SupplierData(**values)


class SupplierTermsForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    supplier_sku = forms.CharField(label=_("Supplier SKU"), max_length=64, required=False)
    purchase_price = forms.DecimalField(label=_("Purchase price (net)"), min_value=0, max_digits=14, decimal_places=4)
    pack_size = forms.IntegerField(label=_("Pack size"), min_value=1, max_value=100_000, initial=1)
    minimum_order_quantity = forms.IntegerField(label=_("Minimum order quantity"), min_value=1, max_value=1_000_000,
                                                initial=1)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365, initial=0)
    preferred = forms.BooleanField(label=_("Preferred supplier"), required=False)

    def data_for_service(self) -> SupplierTermsData:
        values = {k: v for k, v in self.cleaned_data.items() if k != "sku"}
        return SupplierTermsData(**{**values, "supplier_sku": values["supplier_sku"] or ""})


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=200)
    status = forms.ChoiceField(required=False, label=_("Status"),
                               choices=lambda: [("", _("All")), *[(str(k), v) for k, v in PO_STATUS.items()]])


def quantity_of(value: str | None) -> int | None:
    """A quantity typed into a page: a whole number from 0, else None."""
    return whole_number((value or "").strip() or "0")
