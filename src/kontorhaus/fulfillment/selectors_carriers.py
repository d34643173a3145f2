"""Reads of carrier accounts: which account books a shipment, and the settings page's list."""

from kontorhaus.core.exceptions import NotFound

from .models_carriers import CarrierAccount
from .models_shipping import Shipment


def carrier_account_list() -> list[CarrierAccount]:
    return list(CarrierAccount.objects.order_by("name", "code"))


def carrier_account_get(*, code: str) -> CarrierAccount:
    account = CarrierAccount.objects.filter(code=code).first()
    if account is None:
        raise NotFound(f"no carrier account {code}", details={"field": "code"})
    return account


def carrier_account_for(*, shipping_method: str) -> CarrierAccount | None:
    """The active account serving an order's shipping method (or whose code is the method)."""
    method = (shipping_method or "").strip().lower()
    if not method:
        return None
    for account in CarrierAccount.objects.filter(active=True):
        if method == account.code or method in account.shipping_methods:
            return account
    return None


def carrier_account_of(shipment: Shipment) -> CarrierAccount | None:
    if shipment.carrier_account_id:
        return shipment.carrier_account
    return carrier_account_for(shipping_method=shipment.carrier)


def return_carrier_account() -> CarrierAccount | None:
    """The account that makes return labels: an active DHL account with returns switched on."""
    return CarrierAccount.objects.filter(active=True, returns_enabled=True, kind="dhl_parcel_de").order_by("pk").first()


def tracking_carrier_account() -> CarrierAccount | None:
    """The account that asks DHL about parcels booked without one (numbers typed or imported)."""
    return CarrierAccount.objects.filter(active=True, kind="dhl_parcel_de").order_by("pk").first()
