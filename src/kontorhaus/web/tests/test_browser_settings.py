"""The company profile in a real browser: a logo upload, and an invalid VAT id refused."""

import re

import pytest

from kontorhaus.core.models import CompanyProfile
from kontorhaus.core.tests.images import png
from kontorhaus.core.tests.test_company_profile import VALID

from .factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_the_company_profile_with_a_logo(browser_page, tmp_path):
    # given a staff user on the (German) settings page
    page = browser_page
    UserFactory(username="anna")
    page.goto("/settings/company/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/settings/company/$"))
    assert page.locator("h1").inner_text() == "Firmendaten"
    logo = tmp_path / "logo.png"
    logo.write_bytes(png())

    # when: the form is filled with an invalid VAT id and a logo
    for field in ("name", "street", "postal_code", "city", "country", "email", "phone", "contact_name", "iban",
                  "register_court", "register_number", "managing_directors"):
        page.fill(f"#id_{field}", VALID[field])
    page.fill("#id_vat_id", "DE123456789")
    page.set_input_files("#id_logo", str(logo))
    page.click("#company-profile button[type=submit]")

    # then: the VAT id's error is next to its field and nothing is stored
    assert "keine gültige" in page.locator("#error-vat_id").inner_text()
    assert not CompanyProfile.objects.exists()

    # when: corrected (the file input is empty again after the round trip)
    page.fill("#id_vat_id", VALID["vat_id"])
    page.set_input_files("#id_logo", str(logo))
    page.click("#company-profile button[type=submit]")

    # then
    page.wait_for_selector("#logo-current")
    assert "gespeichert" in page.locator(".messages").inner_text()
    assert CompanyProfile.objects.get().logo_content_type == "image/png"
    assert page.locator(".mainnav a.active").inner_text() == "Einstellungen"
