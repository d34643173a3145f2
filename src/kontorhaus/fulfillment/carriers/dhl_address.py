"""Addresses as DHL Parcel DE wants them: ISO alpha-3 countries, street and house number apart,
names in fields of at most 50 characters (name1..name3), street at most 50, city at most 40."""

import functools
import re

from babel.core import get_global

from .base import Address, CarrierError, CarrierErrorKind

NAME_MAX, STREET_MAX, HOUSE_MAX, CITY_MAX = 50, 50, 10, 40
# Babel lists several alpha-3 codes for a few alpha-2 ones (old codes such as DDR, FXX): the ISO one wins.
_ISO_PREFERRED = {"DE": "DEU", "FR": "FRA", "MM": "MMR", "CD": "COD", "TL": "TLS", "YE": "YEM"}
_NOT_COUNTRIES = {"XX", "ZZ", "QO", "EU", "EZ", "UN"}  # CLDR's unknown/outlying regions and unions
# "Hauptstraße 1", "Kurt-Schumacher-Str. 20a", "Am Markt 3-5", "Weg 7 / 2": the number comes last.
_HOUSE_LAST = re.compile(r"^(?P<street>.*?[^\d\s])\s+(?P<house>\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)$")
# "10 Downing Street", "12 rue de la Paix": the number comes first (UK, France, ...).
_HOUSE_FIRST = re.compile(r"^(?P<house>\d+\s*[a-zA-Z]?)[,\s]+(?P<street>\D.*)$")


@functools.cache
def _alpha3() -> dict[str, str]:
    table = {}
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] not in _NOT_COUNTRIES:
            table.setdefault(targets[0], alias)
    return {**table, **_ISO_PREFERRED}


def country_alpha3(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) == 3 and code in _alpha3().values():
        return code
    alpha3 = _alpha3().get(code)
    if alpha3 is None:
        raise CarrierError(f"unknown country code {code!r} in the address", kind=CarrierErrorKind.INVALID_ADDRESS)
    return alpha3


def street_split(street: str) -> tuple[str, str]:
    """(street, house number); the house number is "" when none is recognisable (DHL then
    refuses a German address, which is the right answer: the parcel would not arrive)."""
    street = " ".join((street or "").split())
    match = _HOUSE_LAST.match(street) or _HOUSE_FIRST.match(street)
    if not match:
        return street, ""
    return match["street"].rstrip(" ,"), match["house"].replace(" ", "")


def _names(address: Address, who: str) -> dict[str, str]:
    """name1..name3: the company first, then the person; each part at most 50 characters,
    split at a space. Longer than three fields is refused rather than cut off."""
    parts = [p for p in (address.company, address.name) if p and p.strip()]
    fields: list[str] = []
    for part in parts:
        words, line = part.split(), ""
        for word in words:
            if len(word) > NAME_MAX:
                raise CarrierError(f"{who}: a word of the name is longer than {NAME_MAX} characters",
                                   kind=CarrierErrorKind.INVALID_ADDRESS)
            if line and len(line) + 1 + len(word) > NAME_MAX:
                fields.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            fields.append(line)
    if not fields:
        raise CarrierError(f"{who}: the name is missing", kind=CarrierErrorKind.INVALID_ADDRESS)
    if len(fields) > 3:  # noqa: PLR2004 - DHL has name1, name2, name3
        raise CarrierError(f"{who}: the name does not fit DHL's three name lines of {NAME_MAX} characters",
                           kind=CarrierErrorKind.INVALID_ADDRESS)
    return {f"name{index}": value for index, value in enumerate(fields, start=1)}


def dhl_address(address: Address, *, who: str) -> dict[str, str]:
    """The ContactAddress of the Parcel DE API. Too long a street or city is an error the
    packer can fix in the order, never silently shortened."""
    street, house = street_split(address.street)
    if not street:
        raise CarrierError(f"{who}: the street is missing", kind=CarrierErrorKind.INVALID_ADDRESS)
    if len(street) > STREET_MAX or len(house) > HOUSE_MAX:
        raise CarrierError(f"{who}: the street is longer than DHL's {STREET_MAX} characters; shorten it in the order",
                           kind=CarrierErrorKind.INVALID_ADDRESS)
    city = " ".join((address.city or "").split())
    if not city or len(city) > CITY_MAX:
        raise CarrierError(f"{who}: the city is missing or longer than {CITY_MAX} characters",
                           kind=CarrierErrorKind.INVALID_ADDRESS)
    result = {**_names(address, who), "addressStreet": street, "postalCode": (address.postal_code or "").strip(),
              "city": city, "country": country_alpha3(address.country)}
    if house:
        result["addressHouse"] = house
    if address.email:
        result["email"] = address.email[:80]
    if address.phone:
        result["phone"] = address.phone[:20]
    return result
