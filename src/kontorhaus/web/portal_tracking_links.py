"""The absolute portal links that leave the building: the tracking link for the shipment e-mail
and the return link in the QR code of the delivery note's return slip.

Both are signed and expire (web.portal_links). The tracking link opens the tracking page only —
a customer may forward it to a neighbour who takes the parcel in, and it must not let anyone
withdraw from the contract. The return slip's link opens the whole order (purpose "order"):
whoever holds the slip holds the parcel, and may want to withdraw, return, or look up the
tracking. It lands on the return registration and lives for the return period plus a margin
for late delivery and a slow decision; after that the portal's lookup (order number + postal
code) still finds the order.

Code below the edges asks for these through documents.portal_links (registered in
WebConfig.ready), so a flow or a snapshot gets a link without importing web.
"""

from django.conf import settings
from django.urls import reverse

from kontorhaus.documents import portal_links as registry

from .portal_links import ORDER, TRACKING, portal_link_make, portal_token_make

TRACKING_LINK_DAYS = 120
RETURN_LINK_MARGIN_DAYS = 60


def absolute(path: str) -> str:
    return settings.KONTORHAUS["PUBLIC_URL"] + path


def tracking_link(order_number: str) -> str:
    """The tracking page of the order, for the shipment e-mail."""
    return absolute(portal_link_make(order_number=order_number, purpose=TRACKING, max_age_days=TRACKING_LINK_DAYS))


def return_link(order_number: str) -> str:
    """The return registration of the order, for the QR code on the return slip."""
    days = settings.KONTORHAUS["RETURN_PERIOD_DAYS"] + RETURN_LINK_MARGIN_DAYS
    token = portal_token_make(order_number=order_number, purpose=ORDER, max_age_days=days)
    return absolute(reverse("web:portal_return", kwargs={"token": token}))


def register() -> None:
    """Hand the makers to documents.portal_links (called once from WebConfig.ready)."""
    registry.register_portal_link(registry.TRACKING, tracking_link)
    registry.register_portal_link(registry.RETURNS, return_link)
