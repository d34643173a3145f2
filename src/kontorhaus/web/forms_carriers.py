"""Shape checks of the carrier and tracking pages' forms; the services decide the rest.

Credential fields are write-only: they are never rendered back into the page (a password input
without its value), and left empty they keep what is stored."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from kontorhaus.fulfillment.carriers.registry import link_carriers
from kontorhaus.fulfillment.models import CarrierKind
from kontorhaus.fulfillment.services_carriers import SECRET_MAX, CarrierAccountData

from .forms import CONTROL_CHARACTERS

MAX_TRACKING_FILE = 2 * 1024 * 1024
KINDS = [(CarrierKind.DHL_PARCEL_DE, _("DHL Parcel DE (booked through the API)")),
         (CarrierKind.MANUAL, _("Manual (tracking number typed, scanned or imported)"))]
AUTH_MODES = [("oauth", _("OAuth (API key, secret, user and password)")), ("basic", _("Basic (portal user)"))]
CREDENTIALS = [("api_key", _("API key")), ("api_secret", _("API secret")), ("username", _("User")),
               ("password", _("Password")), ("tracking_api_key", _("Tracking API key")),
               ("webhook_secret", _("Webhook secret"))]
ADDRESSES = [("api_base_url", _("Shipping API address")), ("auth_url", _("Token address (OAuth)")),
             ("tracking_base_url", _("Tracking API address")), ("returns_base_url", _("Returns API address"))]
BILLING_NUMBER = RegexValidator(r"^[0-9]{14}$", _("A DHL billing number has 14 digits."))


def _carriers() -> list[tuple[str, str]]:
    return link_carriers()


class NoControlCharacters(forms.Form):
    """Text with control characters (a pasted NUL, a line break in a one-line field) is refused."""

    def clean(self) -> dict:
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                self.add_error(name, _("Control characters are not allowed here."))
        return data


class CarrierAccountForm(NoControlCharacters):
    code = forms.SlugField(max_length=32, label=_("Code"), help_text=_("e.g. dhl; letters, digits, - and _"))
    name = forms.CharField(max_length=100, label=_("Name"))
    kind = forms.ChoiceField(choices=KINDS, label=_("Kind"))
    tracking_carrier = forms.ChoiceField(choices=_carriers, label=_("Tracking link"))
    shipping_methods = forms.CharField(max_length=400, required=False, label=_("Shipping methods"),
                                       help_text=_("The order shipping methods this account books, comma-separated"))
    active = forms.BooleanField(required=False, initial=True, label=_("Active"))
    product = forms.CharField(max_length=16, required=False, label=_("Product"), help_text=_("e.g. V01PAK"))
    billing_number = forms.CharField(max_length=14, required=False, validators=[BILLING_NUMBER],
                                     label=_("Billing number"))
    auth_mode = forms.ChoiceField(choices=AUTH_MODES, initial="oauth", label=_("Authentication"))
    returns_enabled = forms.BooleanField(required=False, label=_("Return labels"))
    return_billing_number = forms.CharField(max_length=14, required=False, validators=[BILLING_NUMBER],
                                            label=_("Return billing number"))
    return_receiver_id = forms.CharField(max_length=32, required=False, label=_("Return receiver id"))

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in ADDRESSES:
            self.fields[name] = forms.CharField(max_length=200, required=False, label=label,
                                                validators=[URLValidator(schemes=["http", "https"])])
        for name, label in CREDENTIALS:
            self.fields[name] = forms.CharField(
                max_length=SECRET_MAX, required=False, label=label, strip=True,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
        self.account = account
        if account is not None:
            self.fields["code"].disabled = True  # the code names the account in orders and the API
            self.fields["code"].required = False
            self.initial.update({name: getattr(account, name) for name in self.fields if hasattr(account, name)
                                 and name not in dict(CREDENTIALS)})
            self.initial["shipping_methods"] = ", ".join(account.shipping_methods)

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code") or ""
        if code == "new":  # the address of the "new account" page
            raise forms.ValidationError(_("This code is reserved; choose another."))
        return code

    def credential_fields(self) -> list[tuple[forms.BoundField, str]]:
        """Each credential input with what is stored ("set …1234", "set", or "")."""
        hints = self.account.credentials_hint if self.account is not None else {}
        return [(self[name], hints.get(name)) for name, _label in CREDENTIALS]

    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in dict(CREDENTIALS)]

    def account_code(self) -> str:
        return self.account.code if self.account is not None else self.cleaned_data["code"]

    def account_data(self) -> CarrierAccountData:
        data = self.cleaned_data
        methods = tuple(m.strip() for m in data["shipping_methods"].split(",") if m.strip())
        return CarrierAccountData(
            name=data["name"], kind=data["kind"], tracking_carrier=data["tracking_carrier"],
            shipping_methods=methods, active=data["active"], api_base_url=data["api_base_url"],
            auth_url=data["auth_url"], tracking_base_url=data["tracking_base_url"],
            returns_base_url=data["returns_base_url"], auth_mode=data["auth_mode"],
            billing_number=data["billing_number"], product=data["product"],
            return_billing_number=data["return_billing_number"], return_receiver_id=data["return_receiver_id"],
            returns_enabled=data["returns_enabled"])

    def credentials(self) -> dict[str, str]:
        """Only the credentials typed in: an empty field keeps the stored value."""
        return {name: self.cleaned_data[name] for name, _label in CREDENTIALS if self.cleaned_data.get(name)}


class TrackingNumberForm(NoControlCharacters):
    """A tracking number typed or scanned for one parcel of a shipment."""

    parcel = forms.IntegerField(min_value=1, max_value=999, widget=forms.HiddenInput)
    tracking_number = forms.CharField(max_length=80, label=_("Tracking number"))
    carrier = forms.ChoiceField(choices=_carriers, label=_("Carrier"))


class TrackingImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "One line per parcel: order or shipment number; tracking number; carrier (UTF-8, at most 2 MB)"))

    def clean_file(self) -> str:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is None or upload.size > MAX_TRACKING_FILE:
            raise forms.ValidationError(_("The file may be at most 2 MB."))
        raw = upload.read(MAX_TRACKING_FILE + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text. Save it as CSV (UTF-8) and try again."))
        if "\x00" in text:
            raise forms.ValidationError(_("The file is not a CSV text file."))
        return text
