"""Formatting for the back office: money in the page's language, state labels and badges."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from kontorhaus.core import formatting
from kontorhaus.web import labels

register = template.Library()


@register.filter
def money(amount: Decimal | str | None, currency: str = "EUR") -> str:
    if amount in (None, ""):
        return ""
    return formatting.money(Decimal(amount), currency or "EUR", (get_language() or "de")[:2])


@register.filter
def label(code: str, group: str) -> str:
    """`{{ order.payment_state|label:"payment_state" }}` -> "Bezahlt"."""
    return labels.label(group, code)


@register.inclusion_tag("web/badge.html")
def badge(code: str, group: str) -> dict[str, str]:
    return {"code": code, "text": labels.label(group, code)}


@register.filter
def percent(rate: Decimal | str) -> str:
    """A VAT rate as "19 %" / "7 %" (no trailing zeros)."""
    value = Decimal(str(rate)).normalize()
    text = f"{value:f}"
    if (get_language() or "de").startswith("de"):
        text = text.replace(".", ",")
    return f"{text} %"


@register.filter
def data_summary(data: dict[str, Any] | None) -> str:
    """An audit event's data as "key: value, …", short enough for one table cell."""
    if not data:
        return ""
    text = ", ".join(f"{key}: {_short(value)}" for key, value in data.items())
    return text if len(text) <= 160 else text[:159] + "…"


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_short(v) for v in value[:5]) + (", …" if len(value) > 5 else "") + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in list(value.items())[:5]) + "}"
    return str(value)


@register.filter
def address_lines(address: dict[str, Any] | None) -> list[str]:
    if not address:
        return []
    city = " ".join(p for p in (address.get("postal_code", ""), address.get("city", "")) if p)
    parts = [address.get("company", ""), address.get("name", ""), address.get("street", ""),
             address.get("street2", ""), city, address.get("country", "")]
    return [p for p in parts if p]
