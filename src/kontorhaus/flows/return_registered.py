"""Return registered: the customer (portal, shop API) or the back office announces goods that
come back.

One transaction registers the return with its lines and photos (each order line at most as
often as it was shipped, across all returns), puts it on each order's timeline and queues the
customer's e-mail with the portal link. The return label is a carrier call, which must not hold
the transaction open: `return_label_fetch` asks for it afterwards and keeps it with the return
(each return its own label: a DHL label carries one parcel); when no carrier can make one, the
portal shows the instructions instead.
"""

from kontorhaus.core.audit import Actor
from kontorhaus.core.selectors import company_profile_get, company_profile_name
from kontorhaus.core.transactions import flow
from kontorhaus.documents.portal_links import RETURNS, portal_link
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.rendering import email_language
from kontorhaus.notifications.services import email_enqueue
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.services import ReturnDraft, return_label_attach, return_register

from .shipment_booking import return_label_create


def return_address() -> str:
    """Where parcels go back to: the company's address as the profile has it."""
    profile = company_profile_get()
    if profile is None:
        return ""
    return "\n".join([profile.name, profile.street, f"{profile.postal_code} {profile.city}", profile.country])


def _email(request: ReturnRequest) -> None:
    order = request.order or next((line.order for line in request.lines.all() if line.order is not None), None)
    if order is None or not request.customer_email:
        return
    language = email_language(order.language)
    email_enqueue(template=EmailTemplate.RETURN_REGISTERED, to=request.customer_email, language=language,
                  context={"customer_name": request.customer_name, "order_number": order.number,
                           "return_number": request.number, "has_label": False,
                           "items": [{"quantity": line.quantity, "name": line.name} for line in request.lines.all()],
                           "return_address": return_address(), "shop_name": company_profile_name(),
                           "portal_url": portal_link(RETURNS, order_number=order.number)},
                  related_type="return", related_ref=request.number, order_number=order.number)


@flow
def return_register_and_notify(*, draft: ReturnDraft, actor: Actor, notify: bool = True) -> ReturnRequest:
    request = return_register(draft=draft, actor=actor)
    if notify:
        _email(request)
    return request


def return_label_fetch(*, request: ReturnRequest, actor: Actor) -> ReturnRequest | None:
    """Ask a carrier for the return label (outside any transaction: it is an HTTP call) and keep
    it with the return. None when no carrier can make one: the customer gets instructions."""
    if request.label_pdf or request.order is None:
        return request if request.label_pdf else None
    label = return_label_create(order_number=request.order.number, return_number=request.number, actor=actor)
    if label is None:
        return None
    return return_label_attach(request=request, tracking_number=label.tracking_number, pdf=bytes(label.label_pdf),
                               actor=actor)

