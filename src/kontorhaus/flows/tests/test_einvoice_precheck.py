"""An invoice is checked as an e-invoice before it is issued: one that could never be a valid
EN 16931 / XRechnung document is refused with the rule it breaks, and takes no number."""

import pytest

from kontorhaus.billing.models import Invoice
from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.models import CompanyProfile
from kontorhaus.customers.models import Customer
from kontorhaus.flows.order_intake import OrderIntake, order_intake
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def article():
    make_article(sku="SHIRT", stock=10)


def _intake(country: str = "DE", email: str = "kunde@example.com") -> OrderIntake:
    intake = make_intake(lines=(("SHIRT", 1, "19.99"),), email=email)
    return OrderIntake(**{**intake.__dict__, "billing_address": {**intake.billing_address, "country": country}})


def test_an_export_invoice_without_the_sellers_vat_id_is_refused_and_takes_no_number():
    # given a seller profile with a tax number only (an old profile, from before the rule)
    CompanyProfile.objects.update_or_create(pk=1, defaults={"vat_id": "", "tax_number": "22/123/45678"})
    # when a Swiss customer orders
    with pytest.raises(DomainError) as refused:
        order_intake(intake=_intake("CH"), actor=TESTER)
    # then the order is refused naming the rule, and nothing is stored
    assert refused.value.code == "einvoice_invalid" and "BR-G-02" in refused.value.message
    assert not SalesOrder.objects.exists() and not Invoice.objects.exists()
    # and a domestic order still gets number 1
    result = order_intake(intake=_intake("DE"), actor=TESTER)
    assert result.invoice.number.endswith("-000001")


def test_an_xrechnung_without_the_sellers_phone_is_refused():
    CompanyProfile.objects.update_or_create(pk=1, defaults={"phone": ""})
    Customer.objects.create(email="amt@example.com", name="Stadt Musterhausen", einvoice_format="xrechnung_cii",
                            buyer_reference="991-33333TEST-33")
    with pytest.raises(DomainError) as refused:
        order_intake(intake=_intake(email="amt@example.com"), actor=TESTER)
    assert "BR-DE" in refused.value.message
    assert not Invoice.objects.exists()


def test_a_control_character_in_a_name_does_not_break_the_e_invoice():
    make_article(sku="TAB", stock=5, name="Becher\x0bgroß")
    intake = make_intake(lines=(("TAB", 1, "9.99"),))
    result = order_intake(intake=intake, actor=TESTER)
    assert result.invoice.lines.get(sku="TAB").name == "Becher\x0bgroß"  # the document keeps what was sold
