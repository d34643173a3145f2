"""Shape checks of the warehouse pages' forms; the flows decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kontorhaus.fulfillment.services_packing import ParcelData

from .forms import whole_number

MODES = [("batch", _("Batch of orders")), ("single", _("One order")), ("carrier", _("All orders of one carrier")),
         ("single_line", _("Orders with one line"))]
PARCEL_ROWS = 3


class PickRunForm(forms.Form):
    mode = forms.ChoiceField(choices=MODES, label=_("Mode"))
    size = forms.IntegerField(min_value=1, max_value=10_000, required=False, label=_("Number of orders"))
    order_number = forms.CharField(max_length=32, required=False, label=_("Order number"))
    carrier = forms.CharField(max_length=32, required=False, label=_("Carrier"))


class ScanForm(forms.Form):
    code = forms.CharField(max_length=64, strip=True)


class ParcelsForm(forms.Form):
    """Up to three parcels; the first is required, a row left empty is no parcel."""

    def __init__(self, *args, default: ParcelData | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(PARCEL_ROWS):
            first = index == 0
            for name, label, maximum in (("weight_grams", _("Weight (g)"), 1_000_000),
                                         ("length_cm", _("Length (cm)"), 400), ("width_cm", _("Width (cm)"), 400),
                                         ("height_cm", _("Height (cm)"), 400)):
                initial = getattr(default, name) if first and default else None
                self.fields[f"p{index}_{name}"] = forms.IntegerField(
                    min_value=1, max_value=maximum, required=first, initial=initial, label=label)

    def rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"p{index}_{name}"] for name in ("weight_grams", "length_cm", "width_cm", "height_cm")]
                for index in range(PARCEL_ROWS)]

    def parcels(self) -> list[ParcelData]:
        data, parcels = self.cleaned_data, []
        for index in range(PARCEL_ROWS):
            values = [data.get(f"p{index}_{name}") for name in ("weight_grams", "length_cm", "width_cm", "height_cm")]
            if all(values):
                parcels.append(ParcelData(*values))
        return parcels


def counts_from(data) -> dict[int, int]:
    """The units scanned so far, carried in the page as count_<position> fields."""
    counts = {}
    for key, value in data.items():
        position, units = whole_number(key[6:]), whole_number(value)
        if key.startswith("count_") and position is not None and units is not None:
            counts[position] = min(units, 100_000)
    return counts
