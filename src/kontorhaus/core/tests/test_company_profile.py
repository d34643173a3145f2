import hashlib

import pytest

from kontorhaus.core.audit import Actor, AuditAction
from kontorhaus.core.company_profile import ProfileInvalid
from kontorhaus.core.logo import MAX_BYTES, logo_check
from kontorhaus.core.models import AuditEvent, CompanyProfile
from kontorhaus.core.services import company_profile_update
from kontorhaus.core.tests.images import SVG, jpeg, png, png_header_only

ACTOR = Actor("user", "anna")
VALID = {
    "name": "Nordlicht Handel GmbH", "street": "Hafenstraße 5", "postal_code": "20457", "city": "Hamburg",
    "country": "de", "vat_id": "DE 136 695 976", "tax_number": "", "email": "info@nordlicht.example",
    "phone": "+49 40 123456", "contact_name": "Buchhaltung", "website": "nordlicht.example",
    "iban": "DE02 1203 0000 0000 2020 51",
    "bic": "byladem1001", "bank_name": "Demo Bank", "register_court": "Amtsgericht Hamburg",
    "register_number": "HRB 12345", "managing_directors": "Erika Mustermann", "accent_colour": "#AA3300",
    "small_business": False, "oss_enabled": True,
}


def _errors(changes: dict) -> dict:
    with pytest.raises(ProfileInvalid) as caught:
        company_profile_update(changes=changes, actor=ACTOR)
    return caught.value.details["errors"]


@pytest.mark.django_db
def test_first_save_creates_the_profile_normalised_with_an_audit_event():
    # when
    profile = company_profile_update(changes={**VALID, "logo": png()}, actor=ACTOR)
    # then
    stored = CompanyProfile.objects.get()
    assert stored.pk == profile.pk
    assert (stored.vat_id, stored.iban, stored.bic, stored.country) == (
        "DE136695976", "DE02120300000000202051", "BYLADEM1001", "DE")
    assert stored.accent_colour == "#aa3300"
    assert stored.register == "Amtsgericht Hamburg HRB 12345"
    assert stored.logo_content_type == "image/png"
    assert stored.logo_sha256 == hashlib.sha256(png()).hexdigest()
    event = AuditEvent.objects.get(action=AuditAction.CORE_COMPANY_PROFILE_UPDATED)
    assert "vat_id" in event.data["changed"] and event.actor == "user:anna"


@pytest.mark.django_db
def test_a_second_save_updates_the_one_row_and_keeps_the_logo_unless_removed():
    company_profile_update(changes={**VALID, "logo": png()}, actor=ACTOR)
    company_profile_update(changes={**VALID, "city": "Bremen"}, actor=ACTOR)
    assert CompanyProfile.objects.count() == 1
    assert CompanyProfile.objects.get().logo_sha256
    company_profile_update(changes={**VALID, "logo": b""}, actor=ACTOR)
    profile = CompanyProfile.objects.get()
    assert (bytes(profile.logo), profile.logo_sha256, profile.logo_content_type) == (b"", "", "")


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field"), [
    ({"vat_id": "DE123456789"}, "vat_id"),  # wrong check digit
    ({"vat_id": "ATU13585627"}, "vat_id"),  # valid, but not German for a German seller
    ({"tax_number": "12/345"}, "tax_number"),
    ({"vat_id": "", "tax_number": ""}, "vat_id"),  # § 14 UStG: one of them
    ({"iban": "DE02120300000000202052"}, "iban"),
    ({"bic": "NOTABIC"}, "bic"),
    ({"country": "XX"}, "country"),
    ({"country": "Deutschland"}, "country"),
    ({"email": "not-an-address"}, "email"),
    ({"accent_colour": "red"}, "accent_colour"),
    ({"accent_colour": "#12345g"}, "accent_colour"),
    ({"name": ""}, "name"),
    ({"name": "Evil\x00Corp"}, "name"),
    ({"street": "x" * 201}, "street"),
    ({"website": "javascript:alert(1)"}, "website"),
])
def test_each_rule_names_its_field_and_nothing_is_stored(changes, field):
    assert field in _errors({**VALID, **changes})
    assert not CompanyProfile.objects.exists()


@pytest.mark.django_db
def test_a_tax_number_alone_is_enough_for_a_small_business_and_a_foreign_seller_may_have_a_foreign_vat_id():
    # (a seller who may sell abroad needs the VAT id on those invoices: § 14a UStG)
    assert "vat_id" in _errors({**VALID, "vat_id": "", "tax_number": "22/123/45678"})
    company_profile_update(changes={**VALID, "vat_id": "", "tax_number": "22/123/45678", "small_business": True},
                           actor=ACTOR)
    company_profile_update(changes={**VALID, "country": "AT", "vat_id": "ATU13585627"}, actor=ACTOR)
    assert CompanyProfile.objects.get().vat_id == "ATU13585627"


@pytest.mark.django_db
def test_all_errors_are_reported_at_once():
    errors = _errors({**VALID, "iban": "DE00", "bic": "x", "email": "y"})
    assert {"iban", "bic", "email"} <= set(errors)


def test_accepted_logo_types_are_told_by_their_bytes():
    assert logo_check(png()) == "image/png"
    assert logo_check(jpeg()) == "image/jpeg"
    assert logo_check(SVG) == "image/svg+xml"


@pytest.mark.parametrize("raw", [
    b"\x00" * 64,  # NUL bytes
    png() + b"\x00" * MAX_BYTES,  # oversized
    b"GIF89a" + b"\x00" * 20,  # another format
    b"%PDF-1.7 not an image",
    png()[:40],  # truncated PNG
    png()[:-5] + b"xxxxx",  # bad CRC in IEND
    png_header_only(0, 10),  # zero width
    png_header_only(100_000, 10),  # absurd dimensions
    jpeg()[:20],  # truncated JPEG
    b"\xff\xd8\xff\xe0\x00\x02",  # JPEG without a frame
    b"<svg \x00 xmlns='http://www.w3.org/2000/svg'/>",  # NUL byte
    b"<html><body>not svg</body></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<image xlink:href="http://evil.example/x.png"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/s.svg#a"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil.example/a.css);</style></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://evil.example/p)"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',  # not well-formed
    b"\xff\xfe<\x00s\x00v\x00g\x00",  # not UTF-8
])
@pytest.mark.django_db
def test_hostile_or_broken_logos_are_refused_and_nothing_changes(raw):
    # given a stored profile
    company_profile_update(changes=VALID, actor=ACTOR)
    before = CompanyProfile.objects.values().get()
    # when / then
    assert "logo" in _errors({**VALID, "city": "Bremen", "logo": raw})
    assert CompanyProfile.objects.values().get() == before
