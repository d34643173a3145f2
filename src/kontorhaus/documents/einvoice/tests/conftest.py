"""The official validator (../shared/einvoice) once per session, and orders through the real intake."""

import dataclasses
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kontorhaus.billing.models import Invoice
from kontorhaus.catalog.models import Article
from kontorhaus.core.models import CompanyProfile
from kontorhaus.customers.models import Customer
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

SHARED_EINVOICE = Path(__file__).resolve().parents[6] / "shared" / "einvoice"
SKIP_NO_VALIDATOR = "needs the official validator in ../shared/einvoice (shared folder beside the checkout)"


class Validator:
    """validate.validate() on bytes: writes them to a temporary file (the validator reads files)."""

    def __init__(self, module, runner):
        self.module = module
        self.runner = runner

    def __call__(self, content: bytes, *, xrechnung: bool = False, suffix: str = ".xml"):
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            handle.write(content)
            handle.flush()
            return self.module.validate(handle.name, self.runner, xrechnung=xrechnung)


@pytest.fixture(scope="session")
def official_validator() -> Validator:
    if not (SHARED_EINVOICE / "validate.py").is_file():
        pytest.skip(SKIP_NO_VALIDATOR)
    try:
        import saxonche  # noqa: F401 -- the validator's XSLT engine
    except ImportError:
        pytest.skip("the shared einvoice validator needs saxonche in this virtualenv (pip install saxonche)")
    sys.path.insert(0, str(SHARED_EINVOICE))
    import validate

    return Validator(validate, validate.SchematronRunner())  # compiling the rules costs ~1 s: once


def fatal(result) -> list[str]:
    return [f"{f.source} {f.id}: {f.text} at {f.location}" for f in result.findings if f.is_fatal]


@pytest.fixture
def company(db) -> CompanyProfile:
    """The seller: a complete profile (XRechnung wants contact name, phone and e-mail)."""
    profile = CompanyProfile.objects.first() or CompanyProfile()
    profile.phone = "+49 40 1234560"
    profile.tax_number = "22/123/45678"
    profile.contact_name = "Buchhaltung"
    profile.save()
    return profile


@pytest.fixture
def articles(company) -> dict[str, Article]:
    made = {
        "shirt": make_article(sku="TSHIRT-M", price="19.99"),
        "book": make_article(sku="BUCH-1", price="24.00", vat_class="reduced"),
        "ebook": make_article(sku="EBOOK-1", price="9.99", kind="digital", vat_class="reduced"),
        "software": make_article(sku="LIZENZ-1", price="49.00", kind="digital"),
    }
    Article.objects.filter(sku="EBOOK-1").update(product_category="ebooks")
    return made


def address(country: str, **extra) -> dict:
    places = {"DE": ("10115", "Berlin"), "AT": ("1010", "Wien"), "FR": ("75001", "Paris"),
              "CH": ("8001", "Zürich"), "US": ("10001", "New York"), "CY": ("1010", "Nicosia")}
    postal_code, city = places[country]
    return {"name": "Erika Mustermann", "company": "", "street": "Hauptstraße 1", "postal_code": postal_code,
            "city": city, "country": country, **extra}


@pytest.fixture
def order_invoice(articles) -> Callable[..., Invoice]:
    """An order placed through the real intake flow; returns its invoice."""

    def make(*, lines=(("TSHIRT-M", 2, "19.99"),), country: str = "DE", ship_to: str = "", vat_id: str = "",
             company: str = "", payment: str = "prepayment", paid: bool = False, shipping: str = "4.90",
             einvoice_format: str = "", buyer_reference: str = "", email: str = "kunde@example.com") -> Invoice:
        if einvoice_format or buyer_reference:
            Customer.objects.update_or_create(email=email, defaults={
                "name": "Erika Mustermann", "einvoice_format": einvoice_format, "buyer_reference": buyer_reference})
        intake = dataclasses.replace(
            make_intake(lines=lines, shipping_price=shipping, email=email, paid=paid),
            customer={"email": email, "name": "Erika Mustermann", "company": company, "vat_id": vat_id},
            billing_address=address(country, company=company),
            shipping_address=address(ship_to, company=company) if ship_to else None,
            payment_method=payment,
        )
        from kontorhaus.flows.order_intake import order_intake

        result = order_intake(intake=intake, actor=TESTER)
        assert result.invoice is not None
        return result.invoice

    return make
