"""Forms of the warehouse pages: they check the shape; the services check the business rules."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import single_line, whole_number

LABEL_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}"
MAX_QTY = 1_000_000


class WarehouseForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16)
    name = forms.CharField(label=_("Name"), max_length=100)
    sellable = forms.BooleanField(label=_("Sellable stock"), required=False, initial=True)


class WarehouseEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    sellable = forms.BooleanField(label=_("Sellable stock"), required=False)


class BinForm(forms.Form):
    label = forms.CharField(label=_("Bin"), max_length=32, widget=forms.TextInput(attrs={
        "pattern": LABEL_PATTERN, "placeholder": "A-03-2", "autocomplete": "off"}))
    walk_order = forms.IntegerField(label=_("Walking order"), min_value=0, max_value=10_000_000, initial=0)


class BinEditForm(forms.Form):
    walk_order = forms.IntegerField(label=_("Walking order"), min_value=0, max_value=10_000_000)


class TransferForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    from_bin = forms.CharField(label=_("From bin"), max_length=32)
    to_bin = forms.CharField(label=_("To bin"), max_length=32)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QTY)


class PolicyForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    default_bin = forms.CharField(label=_("Default bin"), max_length=32, required=False)
    reorder_point = forms.IntegerField(label=_("Reorder point"), min_value=0, max_value=MAX_QTY, required=False)
    target_level = forms.IntegerField(label=_("Target level"), min_value=0, max_value=MAX_QTY, required=False)


class WriteOffForm(forms.Form):
    CAUSES = (("damage", _("Damaged")), ("loss", _("Lost")), ("expiry", _("Expired")), ("other", _("Other")))
    sku = forms.CharField(label=_("SKU"), max_length=64)
    bin = forms.CharField(label=_("Bin"), max_length=32)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QTY)
    cause = forms.ChoiceField(label=_("Cause"), choices=CAUSES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CountFilterForm(forms.Form):
    bin = forms.CharField(label=_("Bin"), max_length=32, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)


class ExportForm(forms.Form):
    date = forms.DateField(label=_("Stock as of"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    warehouse = forms.CharField(label=_("Warehouse"), max_length=16, required=False)


@dataclass(frozen=True)
class CountedRow:
    sku: str
    bin: str
    counted: int
    expected: int | None


def counted_rows(data: dict) -> tuple[list[CountedRow], list[str]]:
    """The count sheet's rows: `sku-N`, `bin-N`, `expected-N` (hidden) and `counted-N`; a row left
    empty is not counted. Returns the rows and the errors (by row number)."""
    rows, errors = [], []
    suffixes = sorted((k.split("-", 1)[1] for k in data if k.startswith("counted-")), key=lambda s: (len(s), s))
    for suffix in suffixes:
        raw = (data.get(f"counted-{suffix}") or "").strip()
        sku, bin_label = single_line(data.get(f"sku-{suffix}")), single_line(data.get(f"bin-{suffix}"))
        if not raw:
            continue
        counted = whole_number(raw)
        expected_raw = (data.get(f"expected-{suffix}") or "").strip()
        expected = whole_number(expected_raw) if expected_raw else None
        if counted is None or (expected_raw and expected is None):
            errors.append(str(_("Row %(row)s: the counted quantity is a whole number.") % {"row": suffix}))
            continue
        if sku is None or bin_label is None:
            errors.append(str(_("Row %(row)s: SKU or bin holds a character that is not allowed.") % {"row": suffix}))
            continue
        if not sku or not bin_label or not 0 <= counted <= MAX_QTY:
            errors.append(str(_("Row %(row)s: SKU, bin and a quantity from 0 are needed.") % {"row": suffix}))
            continue
        rows.append(CountedRow(sku, bin_label, counted, expected))
    return rows, errors
