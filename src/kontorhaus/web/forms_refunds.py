from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class RefundForm(forms.Form):
    payment = forms.CharField(max_length=128, required=False, widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
                                localize=True)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    with_credit_note = forms.BooleanField(label=_("with credit note"), required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False)
    account_name = forms.CharField(label=_("Account holder"), max_length=70, required=False)
