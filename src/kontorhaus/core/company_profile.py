"""The rules a company profile must satisfy before it is saved (the seller on every document).

`profile_clean` checks and normalises the fields and reports *every* problem at once, keyed
by field, so the back-office form can show each next to its input; the service runs the same
function, so no caller can store a profile that breaks § 14 UStG or the documents.
"""

import re
from collections.abc import Mapping
from typing import Any

from babel import Locale
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from stdnum import bic, iban
from stdnum.de import stnr

from .exceptions import InvalidInput
from .logo import logo_check
from .vat_rules import HOME, normalise_vat_id

TEXT_FIELDS = {
    "name": 200, "street": 200, "postal_code": 16, "city": 100, "country": 2, "vat_id": 32, "tax_number": 32,
    "email": 254, "phone": 40, "contact_name": 120, "website": 200, "iban": 34, "bic": 11, "bank_name": 100,
    "register_court": 100, "register_number": 40, "managing_directors": 200, "accent_colour": 7,
}
REQUIRED = ("name", "street", "postal_code", "city", "country", "email")
FLAGS = ("small_business", "oss_enabled")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ProfileInvalid(InvalidInput):
    """`details["errors"]` maps each bad field to its message."""


def _countries() -> frozenset[str]:
    return frozenset(code for code in Locale.parse("en").territories if len(code) == 2 and code.isalpha())


def _identity_rules(cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    """What every invoice must be able to show about the seller."""
    if not (errors.get("vat_id") or errors.get("tax_number") or cleaned["vat_id"] or cleaned["tax_number"]):
        errors["vat_id"] = _("Enter a VAT id or a tax number: every invoice must show one (§ 14 UStG).")
    elif not (errors.get("vat_id") or cleaned["vat_id"] or cleaned["small_business"]):
        # Exports, intra-community supplies and OSS sales print the seller's VAT id (§ 14a
        # UStG, EN 16931 BR-G-02/BR-IC-02); any order may be one of them.
        errors["vat_id"] = _("Enter the VAT id: invoices abroad must show it (§ 14a UStG). Only a small "
                             "business (§ 19 UStG) may go without.")
    for field in ("phone", "contact_name"):  # the seller contact of every XRechnung (BR-DE-2, BR-DE-6)
        if not (errors.get(field) or cleaned.get(field)):
            errors[field] = _("Required: XRechnung invoices name a contact with phone and e-mail.")


def profile_clean(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised changes; ProfileInvalid listing every bad field otherwise.

    `changes` holds the text fields, the flags, and optionally `logo` (bytes; b"" removes it)."""
    errors: dict[str, str] = {}
    cleaned = _texts(changes, errors)
    for flag in FLAGS:
        cleaned[flag] = bool(changes.get(flag))
    for field, check in _CHECKS.items():
        if field not in errors:
            try:
                cleaned[field] = check(cleaned)
            except (InvalidInput, ValidationError) as exc:
                errors[field] = exc.message if isinstance(exc, InvalidInput) else " ".join(exc.messages)
    _identity_rules(cleaned, errors)
    if "logo" in changes:
        logo = bytes(changes["logo"] or b"")
        try:
            cleaned["logo_content_type"] = logo_check(logo) if logo else ""
            cleaned["logo"] = logo
        except InvalidInput as exc:
            errors["logo"] = exc.message
    if errors:
        first = next(iter(errors))
        raise ProfileInvalid(errors[first], details={"field": first, "errors": errors})
    return cleaned


def _texts(changes: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, max_length in TEXT_FIELDS.items():
        value = str(changes.get(field) or "").strip()
        if _CONTROL.search(value):
            errors[field] = _("Control characters are not allowed.")
        elif len(value) > max_length:
            errors[field] = _("At most %(n)s characters.") % {"n": max_length}
        elif field in REQUIRED and not value:
            errors[field] = _("This field is required.")
        cleaned[field] = value
    return cleaned


def _country(data: dict[str, Any]) -> str:
    code = data["country"].upper()
    if code not in _countries():
        raise InvalidInput(_("Enter a two-letter ISO country code, e.g. DE."))
    return code


def _vat_id(data: dict[str, Any]) -> str:
    try:
        vat_id = normalise_vat_id(data["vat_id"])
    except InvalidInput:
        raise InvalidInput(_("This is not a valid EU VAT id (e.g. DE123456788).")) from None
    if vat_id and data["country"].upper() == HOME and not vat_id.startswith("DE"):
        raise InvalidInput(_("A seller in Germany needs a German VAT id (DE…)."))
    return vat_id


def _tax_number(data: dict[str, Any]) -> str:
    value = data["tax_number"]
    if value and not stnr.is_valid(value):
        raise InvalidInput(_("This is not a valid German tax number (e.g. 22/123/45678)."))
    return value


def _iban(data: dict[str, Any]) -> str:
    value = iban.compact(data["iban"]) if data["iban"] else ""
    if value and not iban.is_valid(value):
        raise InvalidInput(_("This is not a valid IBAN."))
    return value


def _bic(data: dict[str, Any]) -> str:
    value = bic.compact(data["bic"]) if data["bic"] else ""
    if value and not bic.is_valid(value):
        raise InvalidInput(_("This is not a valid BIC."))
    return value


def _email(data: dict[str, Any]) -> str:
    validate_email(data["email"])
    return data["email"]


def _website(data: dict[str, Any]) -> str:
    value = data["website"]
    if value:
        URLValidator(schemes=["http", "https"])(value if "://" in value else f"https://{value}")
    return value


def _colour(data: dict[str, Any]) -> str:
    value = data["accent_colour"] or "#1f4e79"
    if not COLOUR.match(value):
        raise InvalidInput(_("Enter a colour as #rrggbb, e.g. #1f4e79."))
    return value.lower()


_CHECKS = {
    "country": _country, "vat_id": _vat_id, "tax_number": _tax_number, "iban": _iban, "bic": _bic,
    "email": _email, "website": _website, "accent_colour": _colour,
}
