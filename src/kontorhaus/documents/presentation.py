"""Turn an issued snapshot into the plain JSON a Typst template prints (STYLE 22).

Every amount, date and rate is formatted here with Babel for the document's language; the
template only lays the strings out. Nothing here reads a clock, so the same snapshot always
gives the same JSON.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from kontorhaus.core.money import to_decimal

from .labels import CATEGORY_MEANINGS, labels_for, payment_method_label

LOCALES = {"de": "de_DE", "en": "en_GB"}
DATE_FORMATS = {"de": "dd.MM.yyyy", "en": "d MMM yyyy"}


class Formatter:
    def __init__(self, language: str, currency: str):
        self.language = language if language in LOCALES else "en"
        self.locale = LOCALES[self.language]
        self.currency = currency

    def money(self, amount: str | Decimal) -> str:
        return format_currency(to_decimal(amount), self.currency, locale=self.locale)

    def quantity(self, value: str | Decimal) -> str:
        return format_decimal(to_decimal(value), format="#,##0.###", locale=self.locale)

    def rate(self, value: str | Decimal) -> str:
        number = format_decimal(to_decimal(value), format="#,##0.##", locale=self.locale)
        return f"{number}\u00a0%" if self.language == "de" else f"{number}%"

    def date(self, value: str | None) -> str:
        if not value:
            return ""
        return format_date(dt.date.fromisoformat(value), format=DATE_FORMATS[self.language], locale=self.locale)

    def country(self, code: str) -> str:
        return Locale.parse(self.locale).territories.get(code.upper(), code)


def address_lines(address: dict[str, Any] | None, fmt: Formatter, home_country: str) -> list[str]:
    if not address:
        return []
    lines = [address.get("company", ""), address.get("name", ""), address.get("street", "")]
    lines.append(f"{address.get('postal_code', '')} {address.get('city', '')}".strip())
    country = address.get("country", "")
    if country and country.upper() != home_country.upper():
        lines.append(fmt.country(country).upper())
    return [line for line in lines if line]


def print_data(snapshot: dict[str, Any]) -> dict[str, Any]:
    kind = snapshot["kind"]
    language = snapshot.get("language") or "de"
    fmt = Formatter(language, snapshot.get("currency") or "EUR")
    labels = labels_for(fmt.language)
    seller = snapshot["seller"]
    home = seller.get("country", "DE")
    return {
        "lang": fmt.language,
        "title": labels[kind],
        "number": snapshot["number"],
        "labels": {
            k: labels[k]
            for k in (
                "position",
                "article",
                "quantity",
                "unit_price",
                "tax_rate",
                "amount",
                "shipping_address",
                "page",
                "of",
            )
        },
        "seller_name": seller.get("name", ""),
        "sender_line": " · ".join(
            p
            for p in (
                seller.get("name"),
                seller.get("street"),
                f"{seller.get('postal_code', '')} {seller.get('city', '')}".strip(),
            )
            if p
        ),
        "address": address_lines(snapshot.get("buyer"), fmt, home),
        "shipping_address": address_lines(snapshot.get("shipping_address"), fmt, home),
        "meta": _meta(snapshot, fmt, labels),
        "intro": labels["refers_to"].format(number=snapshot["refers_to"]) if snapshot.get("refers_to") else "",
        "lines": [_line(line, fmt, gross=bool(snapshot.get("prices_include_vat"))) for line in snapshot["lines"]],
        "totals": _totals(snapshot, fmt, labels),
        "grand_total": [labels["total_gross"], fmt.money(snapshot["total_gross"])],
        "remarks": _remarks(snapshot, fmt, labels),
        "notes": [note for note in snapshot.get("notes") or [] if note],
        "footer": _footer(seller, labels),
    }


def _meta(snapshot: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> list[list[str]]:
    kind = snapshot["kind"]
    rows = [
        [labels[f"number_{kind}"], snapshot["number"]],
        [labels[f"issue_date_{kind}"], fmt.date(snapshot.get("issue_date"))],
        [labels["delivery_date"], fmt.date(snapshot.get("delivery_date"))],
        [labels["order_number"], snapshot.get("order_number") or ""],
        [labels["customer_number"], snapshot.get("customer_number") or ""],
        [labels["buyer_vat_id"], (snapshot.get("buyer") or {}).get("vat_id") or ""],
        [labels["payment_method"], payment_method_label(fmt.language, snapshot.get("payment_method") or "")],
    ]
    return [row for row in rows if row[1]]


def _line(line: dict[str, Any], fmt: Formatter, *, gross: bool) -> dict[str, str]:
    return {
        "position": str(line["position"]),
        "name": line["name"],
        "sku": line.get("sku") or "",
        "quantity": fmt.quantity(line["quantity"]),
        "unit_price": fmt.money(line["unit_price"]),
        "tax_rate": fmt.rate(line["tax_rate"]),
        "amount": fmt.money(line["gross"] if gross else line["net"]),
    }


def _totals(snapshot: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> list[list[str]]:
    rows = [[labels["total_net"], fmt.money(snapshot["total_net"])]]
    for bucket in snapshot.get("tax_buckets", []):
        label = labels["tax"].format(rate=fmt.rate(bucket["rate"]), net=fmt.money(bucket["net"]))
        meaning = CATEGORY_MEANINGS[fmt.language].get(bucket.get("category") or "")
        if meaning and not to_decimal(bucket["rate"]):  # 0 %: say why
            label = f"{label} ({meaning})"
        rows.append([label, fmt.money(bucket["tax"])])
    return rows


def _remarks(snapshot: dict[str, Any], fmt: Formatter, labels: dict[str, str]) -> list[str]:
    remarks = []
    if snapshot.get("prices_include_vat"):
        remarks.append(labels["prices_gross"])
    amount = fmt.money(snapshot["total_gross"])
    if snapshot["kind"] == "credit_note":
        remarks.append(labels["refund"].format(amount=amount))
    elif snapshot.get("paid"):
        remarks.append(labels["paid"])
    elif snapshot.get("payment_method") in ("prepayment", "invoice", "on_account"):
        remarks.append(labels["transfer"].format(amount=amount, number=snapshot["number"]))
    return remarks


def _footer(seller: dict[str, Any], labels: dict[str, str]) -> list[list[str]]:
    def labelled(key: str, value: str | None) -> str:
        return f"{labels[key]}: {value}" if value else ""

    register = " ".join(p for p in (seller.get("register_court"), seller.get("register_number")) if p)
    columns = [
        [
            seller.get("name"),
            seller.get("street"),
            f"{seller.get('postal_code', '')} {seller.get('city', '')}".strip(),
            seller.get("email"),
            labelled("phone", seller.get("phone")),
            seller.get("website"),
        ],
        [
            register or seller.get("register"),
            labelled("managing_directors", seller.get("managing_directors")),
            labelled("vat_id", seller.get("vat_id")),
            labelled("tax_number", seller.get("tax_number")),
        ],
        [seller.get("bank_name"), labelled("iban", seller.get("iban")), labelled("bic", seller.get("bic"))],
    ]
    return [[entry for entry in column if entry] for column in columns]
