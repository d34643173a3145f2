"""IBAN check (ISO 13616): shape, the country's length for SEPA countries, and the mod-97 check digits."""

import re

from kontorhaus.core.exceptions import InvalidInput

# Lengths of the IBANs of the SEPA countries (EPC409-09 / SWIFT IBAN registry).
_LENGTH = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}
_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def iban_normalize(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def iban_check_digits_ok(iban: str) -> bool:
    """The mod-97 check (ISO 7064) of an IBAN in electronic form (letters and digits only)."""
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def iban_is_valid(value: str) -> bool:
    iban = iban_normalize(value)
    if not _SHAPE.fullmatch(iban) or _LENGTH.get(iban[:2]) != len(iban):
        return False
    return iban_check_digits_ok(iban)


def iban_clean(value: str) -> str:
    """The IBAN in electronic form, or InvalidInput naming the field."""
    iban = iban_normalize(value)
    if not iban_is_valid(iban):
        raise InvalidInput(f"not a valid IBAN of a SEPA country: {value!r}", code="invalid_iban",
                           details={"field": "iban"})
    return iban
