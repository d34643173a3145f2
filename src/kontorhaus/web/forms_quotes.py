"""Forms of the quote pages: the filter, the quote's head and its lines (a formset whose rows
the page adds and removes; empty rows are ignored)."""

from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.selectors import article_get
from kontorhaus.core.exceptions import NotFound
from kontorhaus.customers.models import Customer
from kontorhaus.customers.selectors import customer_get, customer_list
from kontorhaus.sales.models import Quote
from kontorhaus.sales.services_quotes import QuoteData, QuoteLineData, default_valid_until
from kontorhaus.sales.states_quotes import QuoteStatus

from . import labels

QUOTE_STATUS = {
    QuoteStatus.DRAFT: _("Draft"),
    QuoteStatus.SENT: _("Sent"),
    QuoteStatus.ACCEPTED: _("Accepted"),
    QuoteStatus.DECLINED: _("Declined"),
    QuoteStatus.EXPIRED: _("Expired"),
}
LANGUAGES = [("de", _("German")), ("en", _("English"))]
PERCENT = {"max_digits": 5, "decimal_places": 2, "min_value": Decimal(0), "max_value": Decimal(100)}


class QuoteFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=200, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Quote number, customer name or e-mail"), "autocomplete": "off",
    }))
    status = forms.ChoiceField(required=False, label=_("Status"),
                               choices=lambda: [("", _("All")), *[(str(k), v) for k, v in QUOTE_STATUS.items()]])


class QuoteForm(forms.Form):
    customer = forms.CharField(label=_("Customer"), max_length=254,
                               help_text=_("Customer number (K-000001) or e-mail address"))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                 format="%Y-%m-%d"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    prices_include_vat = forms.BooleanField(label=_("Prices include VAT"), required=False)
    discount_percent = forms.DecimalField(label=_("Discount on the whole quote (%)"), initial=0, **PERCENT)
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=lambda: labels.choices("payment_method"))
    intro = forms.CharField(label=_("Introduction"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def clean_customer(self) -> Customer:
        value = self.cleaned_data["customer"].strip()
        try:
            if "@" not in value:
                return customer_get(number=value)
        except NotFound:
            pass
        for customer in customer_list(search=value)[:5]:
            if customer.email.lower() == value.lower():
                return customer
        raise forms.ValidationError(_("No customer with this number or e-mail address."))


class QuoteLineForm(forms.Form):
    # After the SKU is typed, htmx asks for the article's price and puts it into the row's price cell.
    sku = forms.CharField(label=_("SKU"), max_length=64, widget=forms.TextInput(attrs={
        "autocomplete": "off", "hx-get": reverse_lazy("web:quote_article_price"), "hx-trigger": "change",
        "hx-target": "next .price", "hx-swap": "innerHTML", "hx-include": "this, #id_prices_include_vat",
    }))
    quantity = forms.IntegerField(label=_("Qty"), min_value=1, max_value=100_000, initial=1)
    unit_price = forms.DecimalField(label=_("Unit price"), required=False, max_digits=14, decimal_places=4,
                                    min_value=Decimal(0), help_text=_("empty: the article's price"))
    discount_percent = forms.DecimalField(label=_("Discount %"), required=False, **PERCENT)

    def clean_sku(self) -> Article:
        sku = self.cleaned_data["sku"].strip()
        try:
            return article_get(sku=sku)
        except NotFound:
            raise forms.ValidationError(_("Unknown SKU %(sku)s.") % {"sku": sku})


class BaseQuoteLineFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise forms.ValidationError(_("A quote needs at least one line."))


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, formset=BaseQuoteLineFormSet, extra=0, max_num=500,
                                         validate_max=True)
PREFIX = "lines"


def quote_forms(data=None, *, quote: Quote | None = None) -> tuple[QuoteForm, BaseQuoteLineFormSet]:
    """The head form and the lines formset: bound to POST data, else filled from `quote` (or
    empty with one line). Every row counts as new (INITIAL_FORMS is 0), so a removed or empty
    row is simply left out."""
    if data is not None:
        return QuoteForm(data), QuoteLineFormSet(data, prefix=PREFIX)
    if quote is None:
        head = QuoteForm(initial={"valid_until": default_valid_until(), "language": "de",
                                  "payment_method": "invoice", "discount_percent": Decimal(0)})
        return head, QuoteLineFormSet(prefix=PREFIX, initial=[{"quantity": 1}])
    head = QuoteForm(initial={
        "customer": quote.customer.number, "valid_until": quote.valid_until, "language": quote.language,
        "prices_include_vat": quote.prices_include_vat, "discount_percent": quote.discount_percent,
        "payment_method": quote.payment_method, "intro": quote.intro, "notes": quote.notes,
    })
    rows = [{"sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price,
             "discount_percent": line.discount_percent} for line in quote.lines.all()]
    return head, QuoteLineFormSet(prefix=PREFIX, initial=rows)


def quote_data(head: QuoteForm, lines: BaseQuoteLineFormSet, *, quote: Quote | None = None) -> QuoteData:
    data = head.cleaned_data
    customer = data["customer"]
    same_customer = quote is not None and quote.customer_id == customer.pk
    return QuoteData(
        customer=customer, valid_until=data["valid_until"], language=data["language"],
        prices_include_vat=data["prices_include_vat"], discount_percent=data["discount_percent"] or Decimal(0),
        payment_method=data["payment_method"], intro=data["intro"], notes=data["notes"],
        currency=quote.currency if quote else "EUR",
        # an edited draft keeps the addresses it was made with, unless the customer changed
        billing_address=quote.billing_address if same_customer else None,
        shipping_address=quote.shipping_address if same_customer else None,
        lines=tuple(
            QuoteLineData(article=row["sku"], quantity=row["quantity"], unit_price=row.get("unit_price"),
                          discount_percent=row.get("discount_percent") or Decimal(0))
            for row in (form.cleaned_data for form in lines.forms) if row
        ),
    )
