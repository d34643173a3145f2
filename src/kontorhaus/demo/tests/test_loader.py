"""The demo loader, with a small load: what it creates, its mixed states, --if-empty, the
stock ledger and the clock afterwards."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from kontorhaus.billing.models import CreditNote, Invoice, Payment
from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.core.models import CompanyProfile
from kontorhaus.customers.models import Customer
from kontorhaus.demo import orders as demo_orders
from kontorhaus.demo.checkdigits import ean13_valid, iban_valid, vat_id_de
from kontorhaus.demo.loader import DemoOptions, demo_load
from kontorhaus.demo.management.commands import kontorhaus_demo as command_module
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.sales.models import SalesOrder

SMALL = {"orders": 20, "customers": 10}


def load(**options) -> str:
    out = StringIO()
    call_command("kontorhaus_demo", stdout=out, **{**SMALL, **options})
    return out.getvalue()


@pytest.mark.django_db
def test_small_load_creates_company_user_catalog_customers_and_orders():
    output = load()

    profile = CompanyProfile.objects.get()
    assert profile.city == "Hamburg" and profile.name.endswith("mbH")
    assert iban_valid(profile.iban) and profile.vat_id == vat_id_de(profile.vat_id[2:10])
    user = get_user_model().objects.get(username="demo")
    assert user.check_password("demo") and not user.is_superuser

    articles = list(Article.objects.all())
    assert 45 <= len(articles) <= 55
    kinds = {a.kind for a in articles}
    assert kinds == {"physical", "digital", "service"}
    assert all(ean13_valid(a.gtin) for a in articles if a.kind == "physical")
    assert not any(a.gtin for a in articles if a.kind != "physical")
    assert {a.vat_class for a in articles if a.sku.startswith(("BU-", "KF-", "EB-"))} == {"reduced"}

    assert Customer.objects.count() == 10
    assert all(c.email.endswith("@example.com") for c in Customer.objects.all())
    assert Customer.objects.filter(country="DE").count() == 10  # one in twelve lives abroad: none of ten
    orders = list(SalesOrder.objects.all())
    assert len(orders) == 20
    assert len({(o.channel, o.external_id) for o in orders}) == 20
    assert Invoice.objects.count() == 20  # INVOICE_POLICY "at_order"
    assert OutgoingEmail.objects.filter(to__endswith="@example.com").count() == OutgoingEmail.objects.count() > 0
    assert "Demo data loaded" in output and "demo / demo" in output


@pytest.mark.django_db
def test_orders_are_historic_and_in_mixed_states():
    load()
    now = clock.now()
    orders = list(SalesOrder.objects.all())
    assert all(now - dt.timedelta(days=91) < o.placed_at < now for o in orders)
    assert max(o.placed_at for o in orders) - min(o.placed_at for o in orders) > dt.timedelta(days=7)
    # invoices are dated like their orders, not today
    assert Invoice.objects.filter(issue_date__lt=clock.today()).exists()

    statuses = {o.status for o in orders}
    payment_states = {o.payment_state for o in orders if o.status == "open"}
    assert "cancelled" in statuses and "open" in statuses
    assert {"paid", "unpaid"} <= payment_states
    cancelled = [o for o in orders if o.status == "cancelled"]
    assert CreditNote.objects.filter(order_number__in=[o.number for o in cancelled]).count() == len(cancelled)
    assert Payment.objects.filter(source="bank").exists()  # paid later, through payment_received
    assert {o.payment_method for o in orders} >= {"prepayment", "paypal"}


@pytest.mark.django_db
def test_if_empty_loads_once_and_a_second_plain_run_refuses():
    load(if_empty=True)
    counts = (SalesOrder.objects.count(), Article.objects.count(), Customer.objects.count())

    output = load(if_empty=True)
    assert "no demo data loaded" in output
    with pytest.raises(CommandError, match="orders already"):
        load()
    assert (SalesOrder.objects.count(), Article.objects.count(), Customer.objects.count()) == counts
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert CompanyProfile.objects.count() == 1


def _fingerprint() -> list[tuple]:
    return sorted(SalesOrder.objects.values_list(
        "number", "channel", "external_id", "customer_email", "total_gross", "payment_method", "status",
        "payment_state"))


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    with transaction.atomic():
        demo_load(options=DemoOptions(orders=12, customers=6, seed=7))
        first = _fingerprint()
        transaction.set_rollback(True)
    with transaction.atomic():
        demo_load(options=DemoOptions(orders=12, customers=6, seed=8))
        other = _fingerprint()
        transaction.set_rollback(True)
    demo_load(options=DemoOptions(orders=12, customers=6, seed=7))
    assert _fingerprint() == first
    assert other != first


@pytest.mark.django_db
def test_options_passed_as_none_mean_the_defaults(monkeypatch):
    # `call_command("kontorhaus_demo", orders=None, ...)` hands None through to handle().
    seen = []
    monkeypatch.setattr(command_module, "demo_load", lambda options: seen.append(options) or FakeSummary())
    call_command("kontorhaus_demo", if_empty=False, orders=None, customers=None, stdout=StringIO())
    assert seen == [DemoOptions(orders=500, customers=200, seed=42)]


@pytest.mark.django_db
def test_bad_option_values_are_refused():
    with pytest.raises(CommandError, match="customers"):
        load(customers=0)
    with pytest.raises(CommandError, match="orders"):
        load(orders=-1)


class FakeSummary:
    def lines(self) -> list[str]:
        return ["loaded"]


@pytest.mark.django_db
def test_stock_ledger_agrees_with_the_counters_and_backorders_happen():
    load(orders=40)
    assert stock_reconcile() == []
    assert SalesOrder.objects.filter(lines__backordered_quantity__gt=0).exists()


@pytest.mark.django_db
def test_clock_is_unfrozen_and_nothing_is_stored_when_loading_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bank import down")

    monkeypatch.setattr(demo_orders, "payment_received", broken)
    with pytest.raises(RuntimeError, match="bank import down"):
        load()
    assert abs(clock.now() - dt.datetime.now(tz=dt.UTC)) < dt.timedelta(seconds=5)
    assert SalesOrder.objects.count() == 0 and Article.objects.count() == 0
    assert CompanyProfile.objects.count() == 0


@pytest.mark.django_db
def test_clock_is_unfrozen_after_a_successful_load():
    load()
    first = clock.now()
    assert abs(first - dt.datetime.now(tz=dt.UTC)) < dt.timedelta(seconds=5)
    assert clock.now() >= first  # moving, not frozen at the last replayed moment


@pytest.mark.django_db
def test_the_demo_shows_every_common_vat_case_and_xrechnung_customers():
    load(customers=200, orders=300)
    cases = set(SalesOrder.objects.values_list("vat_case", flat=True))
    assert {"domestic", "oss", "intra_community", "export"} <= cases
    assert Customer.objects.filter(einvoice_format__startswith="xrechnung").exclude(buyer_reference="").exists()
    assert Article.objects.filter(product_category="ebooks").count() == 3
