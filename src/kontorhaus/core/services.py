import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import clock, numbering, vat_rates
from .audit import Actor, AuditAction, event, record
from .company_profile import profile_clean
from .exceptions import InvalidInput
from .models import CompanyProfile, LogoArchive, NumberFormat, NumberKind, NumberSequence, VatRate
from .transactions import operation
from .vat_rules import EU_COUNTRIES


@operation
def company_profile_create_once(*, data: dict) -> CompanyProfile:
    """Create the seller profile if there is none yet; an existing one (the shop's) is kept.
    Editing it in the back office comes with the invoicing issue."""
    existing = CompanyProfile.objects.select_for_update().first()
    if existing is not None:
        return existing
    return CompanyProfile.objects.create(**data)


@operation
def user_create(
    *, username: str, password: str, superuser: bool = False, email: str = "", weak_password_allowed: bool = False
) -> AbstractBaseUser:
    """A back-office login. Superusers may also use the Django admin. Only the demo login may
    have a weak password (`weak_password_allowed`)."""
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise InvalidInput(f"a user named {username!r} already exists", details={"field": "username"})
    user = users(username=username, email=email, is_staff=superuser, is_superuser=superuser)
    try:
        user.full_clean(exclude=["password"])
        if not weak_password_allowed:
            validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages), details={"field": "password"})
    user.set_password(password)
    user.save()
    return user


@operation
def company_profile_update(*, changes: Mapping[str, Any], actor: Actor) -> CompanyProfile:
    """Check and store the seller's profile (created on the first save). `changes` holds every
    text field and flag of the form; `logo` only when it changes (b"" removes it)."""
    cleaned = profile_clean(changes)
    # One profile: the first save creates row 1, so two first saves at once meet on its key.
    profile = CompanyProfile.objects.select_for_update().order_by("pk").first() or CompanyProfile(pk=1)
    if "logo" in cleaned:
        cleaned["logo_sha256"] = hashlib.sha256(cleaned["logo"]).hexdigest() if cleaned["logo"] else ""
        if cleaned["logo"]:
            LogoArchive.objects.get_or_create(sha256=cleaned["logo_sha256"], defaults={
                "content": cleaned["logo"], "content_type": cleaned["logo_content_type"]})
    cleaned["register"] = " ".join(p for p in (cleaned["register_court"], cleaned["register_number"]) if p)
    changed = sorted(field for field, value in cleaned.items() if _current(profile, field) != value)
    for field, value in cleaned.items():
        setattr(profile, field, value)
    profile.save()
    record(action=AuditAction.CORE_COMPANY_PROFILE_UPDATED, obj=profile, actor=actor,
           data={"changed": [f for f in changed if f not in {"logo", "logo_content_type"}],
                 "logo_sha256": profile.logo_sha256})
    return profile


def _current(profile: CompanyProfile, field: str) -> Any:
    value = getattr(profile, field)
    return bytes(value or b"") if field == "logo" else value


@dataclass(frozen=True)
class NumberFormatChange:
    number_format: NumberFormat
    applies_from: int  # the year from which new numbers use it


@operation
def number_format_update(*, kind: NumberKind, prefix: str, pattern: str, padding: int,
                         actor: Actor) -> NumberFormatChange:
    """Set how numbers of `kind` are written. Gapless kinds (invoices, credit notes) keep one
    format per year: once a number was issued this year, a change applies from next year."""
    chosen = numbering.validate_format(prefix=prefix, pattern=pattern, padding=padding)
    year = clock.today().year
    number_format, _created = NumberFormat.objects.update_or_create(
        kind=kind, defaults={"prefix": chosen.prefix, "pattern": chosen.pattern, "padding": chosen.padding})
    applies_from = year
    row = NumberSequence.objects.select_for_update().filter(kind=kind, scope_year=year).first()
    if row is not None and kind in numbering.GAPLESS and row.next_value > 1:
        applies_from = year + 1
    elif row is not None:
        row.prefix, row.pattern, row.padding = chosen.prefix, chosen.pattern, chosen.padding
        if "{year}" not in chosen.pattern:  # a counter for all years: never below an earlier year's
            row.next_value = max(row.next_value, numbering.carried_value(kind, year))
        row.save(update_fields=["prefix", "pattern", "padding", "next_value"])
    record(action=AuditAction.CORE_NUMBER_FORMAT_UPDATED, obj=number_format, actor=actor,
           data={"kind": str(kind), "prefix": chosen.prefix, "pattern": chosen.pattern, "padding": chosen.padding,
                 "applies_from": applies_from})
    return NumberFormatChange(number_format=number_format, applies_from=applies_from)


MAX_RATE_FILE = 2 * 1024 * 1024


@operation
def vat_rate_table_import(*, raw: bytes, actor: Actor) -> vat_rates.ImportResult:
    """Replace the EU VAT rate table with a JSON file's content, all or nothing. The table
    must name every EU member state: a missing one would stop every OSS sale to it."""
    if len(raw) > MAX_RATE_FILE:
        raise InvalidInput(_("The rate file may be at most 2 MB."), details={"field": "file"})
    try:
        rows, _skipped = vat_rates.parse_table(raw)
    except (ValueError, RecursionError, TypeError, AttributeError, KeyError) as exc:
        # json's own limits (nesting depth, digits of an integer) and shapes parse_table
        # does not expect: a clear refusal rather than a crash.
        raise InvalidInput(_("This is not a valid rate table: %(error)s") % {"error": type(exc).__name__},
                           details={"field": "file"}) from None
    missing = sorted(EU_COUNTRIES - {row.country for row in rows})
    if missing:
        raise InvalidInput(_("The rate table lacks EU member states: %(codes)s") % {"codes": ", ".join(missing)},
                           details={"field": "file"})
    result = vat_rates.vat_rates_import(raw=raw)
    entry = event(action=AuditAction.CORE_VAT_RATES_IMPORTED, actor=actor,
                  data={"countries": result.countries, "rows": result.rows, "source": rows[0].source})
    entry.subject_type, entry.subject_id = VatRate._meta.label_lower, rows[0].source or "table"
    entry.save()
    return result
