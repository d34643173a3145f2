"""The fake DHL server on a free port (real HTTP, in this process) and a DHL carrier account
pointing at it; and a packed shipment ready to book. Import the fixtures into a test module."""

import pytest

from kontorhaus.flows.pack_and_ship import PackItem, order_pack
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.fulfillment.carriers.dhl_parcel_de import token_cache_clear
from kontorhaus.fulfillment.carriers.fake_dhl import FakeDhlServer
from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_carriers import CarrierAccountData, carrier_account_set
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.sales.tests.factories import TESTER

from .factories_picking import make_bin, released_order, start, stocked

PARCEL = ParcelData(weight_grams=1200, length_cm=30, width_cm=20, height_cm=10)


@pytest.fixture
def fake_dhl():
    token_cache_clear()
    with FakeDhlServer() as server:
        yield server
    token_cache_clear()


def dhl_account_data(url: str, **overrides) -> CarrierAccountData:
    values = dict(name="DHL Paket", kind="dhl_parcel_de", tracking_carrier="dhl", shipping_methods=("dhl-paket",),
                  api_base_url=f"{url}/parcel/de/shipping/v2", auth_url=f"{url}/parcel/de/account/auth/ropc/v1/token",
                  tracking_base_url=f"{url}/track", returns_base_url=f"{url}/parcel/de/shipping/returns/v1",
                  billing_number="33333333330102", product="V01PAK", return_billing_number="33333333330701",
                  return_receiver_id="deu", returns_enabled=False)
    values.update(overrides)
    return CarrierAccountData(**values)


DHL_SECRETS = {"api_key": "demo-api-key", "api_secret": "demo-api-secret", "username": "user-valid",
               "password": "SandboxPasswort2023!", "tracking_api_key": "demo-api-key",
               "webhook_secret": "whsec-test-0123456789"}


@pytest.fixture
def dhl_account(fake_dhl):
    return carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url), credentials=DHL_SECRETS, actor=TESTER)


def packed_shipment(*, parcels: int = 1, address: dict | None = None, sku: str = "MUG") -> Shipment:
    """An order for 2 units, picked and packed into `parcels` parcels (shipping method dhl-paket)."""
    bin_ = make_bin(f"A-{sku}", 10)
    stocked(sku, units=10, bin_=bin_)
    order = released_order((sku, 2))
    if address is not None:
        from kontorhaus.sales.models import SalesOrder
        SalesOrder.objects.filter(pk=order.pk).update(shipping_address=address)
        order.refresh_from_db()
    run = start("single", order_number=order.number)
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    return order_pack(order=order, items=[PackItem(sku, 2)], parcels=[PARCEL] * parcels, actor=TESTER)
