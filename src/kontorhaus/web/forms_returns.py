"""Shape checks of the return and withdrawal forms (portal and back office); the services decide
whether the quantities, reasons and photos are acceptable."""

import uuid

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kontorhaus.returns.services_photos import MAX_BYTES, MAX_PER_LINE, PhotoUpload
from kontorhaus.returns.states import Channel, Condition, Disposition, ReturnReason, ShippingPaidBy

REASONS = [(ReturnReason.DOES_NOT_FIT, _("Doesn't fit")), (ReturnReason.NOT_AS_DESCRIBED, _("Not as described")),
           (ReturnReason.DAMAGED, _("Damaged")), (ReturnReason.WRONG_ITEM, _("Wrong item")),
           (ReturnReason.CHANGED_MIND, _("Changed my mind")), (ReturnReason.OTHER, _("Other"))]
CONDITIONS = [(Condition.RESELLABLE, _("Resellable")), (Condition.DAMAGED, _("Damaged")),
              (Condition.WRONG_ITEM, _("Wrong item"))]
DISPOSITIONS = [(Disposition.RESTOCKED, _("Back to stock")), (Disposition.WRITTEN_OFF, _("Write off")),
                (Disposition.QUARANTINED, _("Quarantine")), (Disposition.FLAGGED, _("Flag, keep aside"))]
CHANNELS = [(Channel.EMAIL, _("E-mail")), (Channel.PHONE, _("Phone")), (Channel.LETTER, _("Letter"))]
MAX_PHOTOS_PER_RETURN = MAX_PER_LINE
# A request with more than this body is refused before Django reads the files (413).
MAX_UPLOAD_BODY = MAX_PHOTOS_PER_RETURN * MAX_BYTES + 1024 * 1024


class LookupForm(forms.Form):
    order_number = forms.CharField(max_length=32, label=_("Order number"))
    postal_code = forms.CharField(max_length=16, label=_("Postal code"))


class WithdrawalForm(forms.Form):
    """The confirmation step of the withdrawal button: name, order, e-mail, optionally items."""

    customer_name = forms.CharField(max_length=200, label=_("Your name"))
    customer_email = forms.EmailField(max_length=254, label=_("E-mail for the confirmation"))
    statement = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                label=_("Message (optional)"))
    scope = forms.ChoiceField(choices=[("all", _("The whole order")), ("some", _("Only some items"))],
                              widget=forms.RadioSelect, initial="all", label=_("What do you withdraw from?"))

    def __init__(self, *args, lines: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"item_{line.position}"] = forms.IntegerField(
                min_value=0, max_value=line.quantity, required=False, initial=0, label=line.name)

    def items(self) -> tuple[tuple[int, int], ...]:
        if self.cleaned_data.get("scope") != "some":
            return ()
        return tuple((line.position, self.cleaned_data.get(f"item_{line.position}") or 0) for line in self.lines
                     if self.cleaned_data.get(f"item_{line.position}"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("scope") == "some" and not any(data.get(f"item_{line.position}") for line in self.lines):
            raise forms.ValidationError(_("Choose at least one item, or withdraw from the whole order."))
        return data


class BackOfficeWithdrawalForm(WithdrawalForm):
    channel = forms.ChoiceField(choices=CHANNELS, label=_("Received by"))
    received_at = forms.DateTimeField(required=False, label=_("Received at (empty: now)"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class ReturnRegistrationForm(forms.Form):
    """Per returnable order line: quantity, reason, note and photos (files named photos_<position>)."""

    # One per form shown: the same form submitted twice registers one return.
    form_token = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, returnable: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = uuid.uuid4().hex
        self.returnable = list(returnable)  # [(order line, units left)]
        for line, left in self.returnable:
            p = line.position
            self.fields[f"qty_{p}"] = forms.IntegerField(min_value=0, max_value=left, required=False, initial=0,
                                                         label=line.name)
            self.fields[f"reason_{p}"] = forms.ChoiceField(choices=[("", "—"), *REASONS], required=False,
                                                           label=_("Reason"))
            self.fields[f"note_{p}"] = forms.CharField(max_length=500, required=False, label=_("Comment"))

    def rows(self) -> list[dict]:
        return [{"line": line, "left": left, "qty": self[f"qty_{line.position}"],
                 "reason": self[f"reason_{line.position}"], "note": self[f"note_{line.position}"]}
                for line, left in self.returnable]

    def clean(self) -> dict:
        data = super().clean()
        chosen = [line for line, _left in self.returnable if data.get(f"qty_{line.position}")]
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one item to return."))
        for line in chosen:
            if not data.get(f"reason_{line.position}"):
                self.add_error(f"reason_{line.position}", _("Please tell us why."))
        if sum(len(self.files.getlist(f"photos_{line.position}")) for line, _left in self.returnable) > \
                MAX_PHOTOS_PER_RETURN:
            raise forms.ValidationError(_("At most %(count)s photos per return.") % {"count": MAX_PHOTOS_PER_RETURN})
        return data

    def chosen(self) -> list[tuple[int, int, str, str, tuple[PhotoUpload, ...]]]:
        """(position, quantity, reason, note, photos) of the lines the customer returns."""
        result = []
        for line, _left in self.returnable:
            p = line.position
            if self.cleaned_data.get(f"qty_{p}"):
                photos = tuple(upload(f) for f in self.files.getlist(f"photos_{p}"))
                result.append((p, self.cleaned_data[f"qty_{p}"], self.cleaned_data[f"reason_{p}"],
                               self.cleaned_data.get(f"note_{p}", ""), photos))
        return result


def upload(file: UploadedFile) -> PhotoUpload:
    """Read at most one byte beyond the limit: the service refuses it as too large."""
    return PhotoUpload(filename=file.name or "photo", content=file.read(MAX_BYTES + 1))


class ManualReturnForm(forms.Form):
    customer_name = forms.CharField(max_length=200, required=False, label=_("Customer name"))
    customer_email = forms.EmailField(max_length=254, required=False, label=_("Customer e-mail"))
    lines = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}), max_length=20_000,
                            label=_("Lines"), help_text=_("One per line: ORDER-NUMBER/POSITION QUANTITY REASON, or "
                                                          "SKU QUANTITY REASON for goods without an order."))
    note = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"))


class ScanReturnForm(forms.Form):
    code = forms.CharField(max_length=64, strip=True, label=_("Scan the return slip or label"))


class InspectionForm(forms.Form):
    """Per line not inspected yet: condition, what happens to it, the bin, the loss of value."""

    def __init__(self, *args, lines: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.inspected_at is None]
        for line in self.lines:
            p = line.position
            self.fields[f"condition_{p}"] = forms.ChoiceField(choices=[("", "—"), *CONDITIONS], required=False,
                                                              label=_("Condition"))
            self.fields[f"disposition_{p}"] = forms.ChoiceField(choices=[("", "—"), *DISPOSITIONS], required=False,
                                                                label=_("Goes to"))
            self.fields[f"bin_{p}"] = forms.CharField(max_length=32, required=False, label=_("Bin"))
            self.fields[f"loss_{p}"] = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, required=False,
                                                          label=_("Loss of value"))
            self.fields[f"note_{p}"] = forms.CharField(max_length=500, required=False, label=_("Note"))
            # A wrong item into quarantine: the SKU or GTIN of what arrived (scanned or typed).
            self.fields[f"article_{p}"] = forms.CharField(
                max_length=64, required=False, label=_("Arrived instead (SKU or GTIN)"),
                widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono", "size": 14}))

    def rows(self) -> list[dict]:
        return [{"line": line, **{k: self[f"{k}_{line.position}"] for k in
                                  ("condition", "disposition", "bin", "article", "loss", "note")}}
                for line in self.lines]

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(f"condition_{line.position}") for line in self.lines) and not self.errors:
            raise forms.ValidationError(_("Inspect at least one line."))
        return data


class PolicyForm(forms.Form):
    return_shipping_paid_by = forms.ChoiceField(
        choices=[(ShippingPaidBy.SHOP, _("The shop")), (ShippingPaidBy.CUSTOMER, _("The customer"))],
        label=_("Return shipping is paid by"))
    return_shipping_fee = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2,
                                             label=_("Deducted for our return label when the customer pays"))
    standard_delivery_gross = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, required=False,
                                                 label=_("Standard delivery refunded at most (empty: all shipping)"))
    refund_alert_days = forms.IntegerField(min_value=0, max_value=14, label=_("Alert days before the refund deadline"))
    quarantine_warehouse = forms.RegexField(regex=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$", max_length=16,
                                            label=_("Quarantine warehouse (not sellable)"))
