"""The shipment e-mail: the customer learns the carrier, the tracking number and link of every
parcel, and the shop's own tracking page; the delivery note is attached."""

from kontorhaus.core.selectors import company_profile_name
from kontorhaus.documents.portal_links import TRACKING, portal_link
from kontorhaus.fulfillment.carriers.manual import tracking_link
from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.selectors_tracking import parcel_carrier_name
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.sales.selectors import order_get


def shipment_confirmation_enqueue(*, shipment: Shipment) -> None:
    order = order_get(number=shipment.order_number)
    if not order.customer_email:
        return
    parcels = [p for p in shipment.parcels.all() if p.tracking_number]
    email_enqueue(
        template=EmailTemplate.SHIPMENT_CONFIRMATION,
        to=order.customer_email,
        language=order.language,
        context={
            "shop_name": company_profile_name(), "order_number": order.number, "customer_name": order.customer_name,
            "shipment_number": shipment.number,
            "carrier_name": parcel_carrier_name(parcels[0]) if parcels else shipment.carrier,
            "parcels": [{"tracking_number": p.tracking_number, "url": tracking_link(p.tracking_carrier,
                                                                                   p.tracking_number)}
                        for p in parcels],
            "portal_url": portal_link(TRACKING, order_number=order.number),
        },
        attachments=[{"kind": "delivery_note", "number": shipment.number}],
        related_type="fulfillment.shipment",
        related_ref=shipment.number,
        order_number=order.number,
    )
