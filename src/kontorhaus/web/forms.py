import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.services import ArticleData
from kontorhaus.sales.selectors import OrderFilter

from . import labels

WHOLE_NUMBER = re.compile(r"[0-9]{1,7}")  # ASCII digits only: "²".isdigit() is True, int("²") raises
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")  # a NUL byte cannot even be stored in PostgreSQL


def whole_number(value: object) -> int | None:
    """A whole number from 0 to 9,999,999 typed into a page, else None."""
    text = str(value if value is not None else "").strip()
    return int(text) if WHOLE_NUMBER.fullmatch(text) else None


def single_line(value: object) -> str | None:
    """A posted single-line text (a SKU, a bin label, an id), stripped; None when it holds a
    control character."""
    text = str(value if value is not None else "").strip()
    return None if CONTROL_CHARACTERS.search(text) else text


def _any(group: str) -> list[tuple[str, str]]:
    return [("", _("All")), *labels.choices(group)]


class OrderFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=200, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Order number, external id, name or e-mail"), "autocomplete": "off",
    }))
    payment_state = forms.ChoiceField(required=False, label=_("Payment"), choices=lambda: _any("payment_state"))
    fulfillment_state = forms.ChoiceField(required=False, label=_("Fulfillment"),
                                          choices=lambda: _any("fulfillment_state"))
    readiness = forms.ChoiceField(required=False, label=_("Ready to ship"), choices=lambda: _any("readiness"))
    status = forms.ChoiceField(required=False, label=_("Status"), choices=lambda: _any("order_status"))
    placed_from = forms.DateField(required=False, label=_("Placed from"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    placed_to = forms.DateField(required=False, label=_("Placed to"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def to_filter(self) -> OrderFilter:
        """The valid part of the input; an invalid field filters nothing (its error is shown)."""
        data = self.cleaned_data if self.is_bound else {}
        return OrderFilter(
            search=data.get("q") or "",
            payment_state=data.get("payment_state") or "",
            fulfillment_state=data.get("fulfillment_state") or "",
            status=data.get("status") or "",
            readiness=data.get("readiness") or "",
            placed_from=data.get("placed_from"),
            placed_to=data.get("placed_to"),
        )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


class ArticleSearchForm(SearchForm):
    kind = forms.ChoiceField(required=False, label=_("Kind"), choices=lambda: _any("article_kind"))


class ArticleForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    gtin = forms.CharField(label=_("GTIN"), max_length=14, required=False,
                           help_text=_("8, 12, 13 or 14 digits"))
    kind = forms.ChoiceField(label=_("Kind"), choices=lambda: labels.choices("article_kind"))
    vat_class = forms.ChoiceField(label=_("VAT class"), choices=lambda: labels.choices("vat_class"))
    product_category = forms.ChoiceField(
        label=_("Product category (VAT abroad)"), required=False, choices=lambda: labels.choices("product_category"),
        help_text=_("Decides the rate in other EU countries (One-Stop-Shop), e.g. books or food."))
    price_gross = forms.DecimalField(label=_("Price (gross)"), max_digits=14, decimal_places=4,
                                     min_value=Decimal("0"))
    weight_grams = forms.IntegerField(label=_("Weight (g)"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, article: Article | None = None, **kwargs):
        if article is not None:
            kwargs.setdefault("initial", {
                "sku": article.sku, "name": article.name, "gtin": article.gtin, "kind": article.kind,
                "vat_class": article.vat_class, "product_category": article.product_category,
                "price_gross": article.price_gross,
                "weight_grams": article.weight_grams, "active": article.active,
            })
        super().__init__(*args, **kwargs)
        if article is not None:  # the SKU is the article's public identifier
            self.fields["sku"].disabled = True

    def to_data(self) -> ArticleData:
        data = self.cleaned_data
        return ArticleData(
            name=data["name"], price_gross=data["price_gross"], kind=data["kind"], vat_class=data["vat_class"],
            product_category=data["product_category"] or "", gtin=data["gtin"].strip(),
            weight_grams=data["weight_grams"], active=data["active"],
        )
