"""Forms of the settings pages: company profile, number formats, VAT rate table.

The rules live in core (company_profile.profile_clean, numbering.validate_format); the forms
run them to put each message next to its field, and the services run them again.
"""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kontorhaus.core.company_profile import TEXT_FIELDS, ProfileInvalid, profile_clean
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.logo import MAX_BYTES
from kontorhaus.core.models import CompanyProfile, NumberKind
from kontorhaus.core.numbering import MAX_PADDING, validate_format
from kontorhaus.core.services import MAX_RATE_FILE
from kontorhaus.documents.branding import logo_renders

LABELS = {
    "name": gettext_lazy("Company name"), "street": gettext_lazy("Street"),
    "postal_code": gettext_lazy("Postal code"), "city": gettext_lazy("City"),
    "country": gettext_lazy("Country (ISO code)"), "vat_id": gettext_lazy("VAT id"),
    "tax_number": gettext_lazy("Tax number"), "email": gettext_lazy("E-mail"), "phone": gettext_lazy("Phone"),
    "contact_name": gettext_lazy("Contact name"), "website": gettext_lazy("Website"), "iban": "IBAN", "bic": "BIC",
    "bank_name": gettext_lazy("Bank"), "register_court": gettext_lazy("Register court"),
    "register_number": gettext_lazy("Register number"), "managing_directors": gettext_lazy("Managing directors"),
    "accent_colour": gettext_lazy("Accent colour"),
}
HELP = {
    "vat_id": gettext_lazy("German VAT id (USt-IdNr.), e.g. DE123456788. Enter it or the tax number, or both."),
    "tax_number": gettext_lazy("Steuernummer from the tax office, e.g. 22/123/45678."),
    "register_court": gettext_lazy("e.g. Amtsgericht Hamburg (printed with the register number)."),
    "accent_colour": gettext_lazy("Used for headings and rules on the documents, as #rrggbb."),
}


class CompanyProfileForm(forms.Form):
    small_business = forms.BooleanField(
        label=gettext_lazy("Small business (§ 19 UStG)"), required=False,
        help_text=gettext_lazy("No VAT on any invoice; each invoice says so."))
    oss_enabled = forms.BooleanField(
        label=gettext_lazy("One-Stop-Shop (OSS)"), required=False,
        help_text=gettext_lazy(
            "On: consumers in other EU countries pay their country's VAT, declared through the OSS. "
            "Required once your sales to consumers in other EU countries exceed EUR 10,000 a year "
            "(this year or last) — goods and digital products count together; below that you may opt "
            "in. Off: German VAT on everything."))
    logo = forms.FileField(
        label=gettext_lazy("Logo"), required=False,
        help_text=gettext_lazy("PNG, JPEG or SVG, at most 512 KB; printed on every document."))
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    def __init__(self, *args: Any, profile: CompanyProfile | None = None, **kwargs: Any):
        initial = {}
        source = profile or CompanyProfile()
        if profile is None:  # the model's demo defaults are no one's data
            source = CompanyProfile(vat_id="", iban="", bic="", bank_name="", register="", register_court="",
                                    register_number="", managing_directors="", name="", street="",
                                    postal_code="", city="", email="")
        initial = {field: getattr(source, field) for field in (*TEXT_FIELDS, "small_business", "oss_enabled")}
        super().__init__(*args, initial=initial, **kwargs)
        self.has_logo = bool(profile and profile.logo_sha256)
        for field, max_length in TEXT_FIELDS.items():
            widget = forms.TextInput(attrs={"type": "color"}) if field == "accent_colour" else None
            self.fields[field] = forms.CharField(label=LABELS[field], required=False, max_length=max_length * 2,
                                                 help_text=HELP.get(field, ""), widget=widget)
        order = [*TEXT_FIELDS, "small_business", "oss_enabled", "logo", "remove_logo"]
        self.order_fields(order)

    def clean_logo(self) -> bytes | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo")
        if upload is None:
            return None
        if upload.size is None or upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The logo may be at most 512 KB."))
        return upload.read(MAX_BYTES + 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            cleaned = profile_clean(self.changes())
        except ProfileInvalid as exc:
            for field, message in exc.details["errors"].items():
                self.add_error(field if field in self.fields else None, message)
            return data
        if cleaned.get("logo") and not logo_renders(cleaned["logo"], cleaned["logo_content_type"]):
            self.add_error("logo", _("The logo cannot be printed: the image could not be decoded."))
        return data

    def changes(self) -> dict[str, Any]:
        """What the service gets: every text field and flag, and the logo only when it changes."""
        data = self.cleaned_data
        changes: dict[str, Any] = {field: data.get(field, "") for field in (*TEXT_FIELDS, "small_business",
                                                                             "oss_enabled")}
        if data.get("logo"):
            changes["logo"] = data["logo"]
        elif data.get("remove_logo"):
            changes["logo"] = b""
        return changes


class NumberFormatForm(forms.Form):
    kind = forms.ChoiceField(choices=NumberKind.choices, widget=forms.HiddenInput)
    prefix = forms.CharField(label=gettext_lazy("Prefix"), required=False, max_length=16)
    pattern = forms.CharField(label=gettext_lazy("Pattern"), max_length=64)
    padding = forms.IntegerField(label=gettext_lazy("Digits"), min_value=1, max_value=MAX_PADDING)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                validate_format(prefix=data["prefix"], pattern=data["pattern"], padding=data["padding"])
            except InvalidInput as exc:
                self.add_error(exc.details.get("field"), exc.message)
        return data


class VatRateFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Rate table (JSON)"))

    def clean_file(self) -> bytes:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is None or upload.size > MAX_RATE_FILE:
            raise forms.ValidationError(_("The rate file may be at most 2 MB."))
        return upload.read(MAX_RATE_FILE + 1)
