"""Links into the customer portal, for what is printed or sent below the edges.

The portal belongs to the web edge: it signs its links (web.portal_links), and only it can.
Snapshot code (the delivery note's return slip) and flows (the shipment e-mail) sit below it and
may not import it, so the web app registers one link maker per purpose here at startup
(WebConfig.ready) — the same hand-over as documents.registry's snapshot sources. Without a
registered maker (documents used without the web app) there is no link, and the document is
printed without it.
"""

from collections.abc import Callable

# Purposes a maker is registered for (web.portal_tracking_links).
RETURNS = "returns"
TRACKING = "tracking"

LinkMaker = Callable[[str], str]  # order number -> absolute, signed, expiring URL

_makers: dict[str, LinkMaker] = {}


def register_portal_link(purpose: str, maker: LinkMaker) -> None:
    _makers[purpose] = maker


def portal_link(purpose: str, *, order_number: str) -> str:
    """The portal's absolute link of `purpose` for the order, or "" when no maker is registered."""
    maker = _makers.get(purpose)
    return maker(order_number) if maker is not None else ""
