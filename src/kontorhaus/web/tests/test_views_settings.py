import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kontorhaus.core.models import CompanyProfile, NumberFormat, VatRate
from kontorhaus.core.tests.images import SVG, png
from kontorhaus.core.tests.test_company_profile import VALID
from kontorhaus.core.vat_rates import DEFAULT_FILE

from .factories import UserFactory

FORM = {k: ("on" if v is True else "" if v is False else v) for k, v in VALID.items()}


@pytest.fixture
def clerk_client(db) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="intern", is_staff=False))
    return client


@pytest.mark.parametrize("url", ["/settings/company/", "/settings/numbering/", "/settings/vat-rates/"])
def test_settings_are_for_staff_only(clerk_client, url):
    assert clerk_client.get(url).status_code == 403
    assert clerk_client.post(url, {}).status_code == 403


@pytest.mark.parametrize("url", ["/settings/company/", "/settings/numbering/", "/settings/vat-rates/"])
def test_settings_pages_show(client_in, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client_in.get(url)
    assert response.status_code == 200
    assert b'href="/settings/company/"' in response.content  # the nav link


def test_saving_the_profile_with_a_logo(client_in):
    response = client_in.post("/settings/company/", {**FORM, "logo": SimpleUploadedFile("l.png", png(), "text/plain")})
    assert response.status_code == 302
    profile = CompanyProfile.objects.get()
    assert profile.logo_content_type == "image/png"  # told by the bytes, not the browser
    assert "A logo (image/png) is set." in client_in.get("/settings/company/").content.decode()


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("l.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
                        "image/svg+xml"), "scripts"),
    (SimpleUploadedFile("l.png", b"\x00" * 100, "image/png"), "PNG, JPEG or SVG"),
    (SimpleUploadedFile("l.png", png() + b"\x00" * (513 * 1024), "image/png"), "512 KB"),
    (SimpleUploadedFile("l.png", b"", "image/png"), "empty"),
])
def test_hostile_uploads_are_field_errors_and_change_nothing(client_in, upload, message):
    response = client_in.post("/settings/company/", {**FORM, "logo": upload})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CompanyProfile.objects.exists()


def test_an_invalid_vat_id_is_shown_at_its_field(client_in):
    response = client_in.post("/settings/company/", {**FORM, "vat_id": "DE123"})
    assert response.status_code == 422
    assert 'id="error-vat_id"' in response.content.decode()


def test_removing_the_logo(client_in):
    client_in.post("/settings/company/", {**FORM, "logo": SimpleUploadedFile("l.svg", SVG, "image/svg+xml")})
    client_in.post("/settings/company/", {**FORM, "remove_logo": "on"})
    assert CompanyProfile.objects.get().logo_sha256 == ""


def test_number_format_save_and_error(client_in):
    response = client_in.post("/settings/numbering/", {"kind": "quote", "prefix": "ANG", "pattern": "{prefix}-{number}",
                                                       "padding": "5"})
    assert response.status_code == 302
    assert NumberFormat.objects.get(kind="quote").pattern == "{prefix}-{number}"
    response = client_in.post("/settings/numbering/", {"kind": "invoice", "prefix": "RE",
                                                       "pattern": "{prefix}/{year}/{number}", "padding": "6"})
    assert response.status_code == 422
    assert "may only contain" in response.content.decode()
    assert not NumberFormat.objects.filter(kind="invoice").exists()


def test_rate_table_page_and_upload(client_in):
    page = client_in.get("/settings/vat-rates/").content.decode()
    assert "Table as of 2026-11-26" in page and "<td>AT</td>" in page
    good = client_in.post("/settings/vat-rates/", {"file": SimpleUploadedFile("r.json", DEFAULT_FILE.read_bytes())})
    assert good.status_code == 302
    before = VatRate.objects.count()
    bad = client_in.post("/settings/vat-rates/", {"file": SimpleUploadedFile("r.json", json.dumps({"x": 1}).encode())})
    assert bad.status_code == 422 and "countries" in bad.content.decode()
    assert VatRate.objects.count() == before
