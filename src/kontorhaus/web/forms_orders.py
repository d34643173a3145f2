from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from . import labels


class PaymentRecordForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
                                localize=True)
    method = forms.ChoiceField(label=_("Method"), choices=lambda: labels.choices("payment_method"))
    reference = forms.CharField(label=_("Reference"), max_length=140, required=False)


class OrderCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
