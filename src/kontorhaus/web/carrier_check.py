"""The settings page's "Test connection": a dry run at the carrier. DHL's `validate=true`
checks credentials, billing number, product and a sample parcel from the shop's own address
to itself, and books nothing. No database write, so no service: an edge may ask the adapter.

Belongs in a flow (flows/shipment_booking.py) once that module is open for changes; kept here
so the settings page does not wait for it."""

from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.selectors import company_profile_get
from kontorhaus.flows.shipment_booking import CarrierRefused
from kontorhaus.fulfillment.carriers.base import BookingRequest, CarrierError, ParcelSpec
from kontorhaus.fulfillment.carriers.registry import adapter_for
from kontorhaus.fulfillment.models import CarrierAccount, CarrierKind
from kontorhaus.fulfillment.services_booking import shipper_address
from kontorhaus.fulfillment.services_carriers import carrier_config

SAMPLE_PARCEL = ParcelSpec(weight_grams=1000, length_cm=30, width_cm=20, height_cm=10)


def carrier_account_check(*, account: CarrierAccount) -> None:
    """Raises CarrierRefused with the carrier's message when the dry run fails."""
    if account.kind != CarrierKind.DHL_PARCEL_DE:
        raise InvalidInput(f"{account.name} is a manual carrier: there is no connection to test",
                           details={"field": "kind"})
    shop = shipper_address(company_profile_get())
    request = BookingRequest(reference="TEST", shipper=shop, consignee=shop, parcels=(SAMPLE_PARCEL,),
                             ship_date=clock.today(), validate_only=True)
    try:
        adapter_for(carrier_config(account)).book(request)
    except CarrierError as error:
        raise CarrierRefused(error.message, kind=error.kind) from error
