"""The portal shows a link's holder only its own order, confirms a withdrawal to the order's own
address, and a form sent twice registers one return (issue 6 review)."""

import pytest
from django.test import Client

from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.services import ReturnDraft, ReturnLineDraft
from kontorhaus.returns.states import Channel
from kontorhaus.returns.tests.factories import shipped_order
from kontorhaus.sales.tests.factories import TESTER
from kontorhaus.web.portal_links import RETURN, WITHDRAWAL, portal_link_make

pytestmark = pytest.mark.django_db


def link(order, purpose) -> str:
    return portal_link_make(order_number=order.number, purpose=purpose, max_age_days=7)


def test_a_multi_order_return_shows_only_the_links_orders_lines(client: Client) -> None:
    # given a back-office return gathering goods of order A and order B
    a, b = shipped_order(1), shipped_order(1)
    request = return_register_and_notify(draft=ReturnDraft(channel=Channel.BACK_OFFICE, lines=(
        ReturnLineDraft(order=a, position=1, quantity=1, reason="other"),
        ReturnLineDraft(order=b, position=1, quantity=1, reason="other"))), actor=TESTER, notify=False)
    # when A's customer opens the return's page
    page = client.get(link(a, RETURN) + f"{request.number}/").content.decode()
    # then A's line is shown, B's is not
    assert a.lines.get(position=1).name in page
    assert b.lines.get(position=1).name not in page


def test_the_withdrawal_form_does_not_show_the_orders_email(client: Client) -> None:
    order = shipped_order(1)
    page = client.get(link(order, WITHDRAWAL) + "confirm/").content.decode()
    assert order.customer_email not in page


def test_the_confirmation_goes_to_the_orders_address_and_a_typed_one(client: Client) -> None:
    order = shipped_order(1)
    response = client.post(link(order, WITHDRAWAL) + "confirm/", {
        "customer_name": "Erika", "customer_email": "someone@elsewhere.example", "scope": "all"})
    assert response.status_code == 302
    recipients = sorted(OutgoingEmail.objects.filter(template="withdrawal_confirmation").values_list("to", flat=True))
    assert recipients == sorted([order.customer_email, "someone@elsewhere.example"])


def test_the_confirmation_to_the_orders_own_address_is_sent_once(client: Client) -> None:
    order = shipped_order(1)
    client.post(link(order, WITHDRAWAL) + "confirm/", {
        "customer_name": "Erika", "customer_email": order.customer_email.upper(), "scope": "all"})
    assert list(OutgoingEmail.objects.filter(template="withdrawal_confirmation").values_list("to", flat=True)) == [
        order.customer_email]


def test_a_return_form_sent_twice_registers_one_return(client: Client) -> None:
    # given an order of 2 units; the customer returns 1 and taps the button twice
    order = shipped_order(2)
    form = client.get(link(order, RETURN)).content.decode()
    token = form.split('name="form_token" value="')[1].split('"')[0]
    data = {"qty_1": "1", "reason_1": "does_not_fit", "form_token": token}
    first = client.post(link(order, RETURN), data)
    second = client.post(link(order, RETURN), data)
    # then one return, and both taps land on its page
    assert ReturnRequest.objects.count() == 1
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    # a new form (a new token) may still return the other unit
    other = client.get(link(order, RETURN)).content.decode().split('name="form_token" value="')[1].split('"')[0]
    assert other != token
    assert client.post(link(order, RETURN), {**data, "form_token": other}).status_code == 302
    assert ReturnRequest.objects.count() == 2


@pytest.mark.parametrize("token", ["", "x" * 500, "' OR 1=1 --"])
def test_hostile_form_tokens_register_at_most_one_return_each(client: Client, token: str) -> None:
    order = shipped_order(2)
    response = client.post(link(order, RETURN), {"qty_1": "1", "reason_1": "other", "form_token": token})
    assert response.status_code in (200, 302)
    assert ReturnRequest.objects.count() <= 1
