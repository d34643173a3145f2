from decimal import Decimal

import pytest

from kontorhaus.billing.models import CreditNote
from kontorhaus.billing.models_refunds import Refund, SepaExport
from kontorhaus.billing.refunds.states import RefundStatus
from kontorhaus.billing.refunds.tests.factories import pay_by_bank, pay_by_hand, pay_by_psp, simple_order
from kontorhaus.flows.refund import refund_request
from kontorhaus.flows.refund_settle import FAILED, ProviderAnswer, refund_provider_answered
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db


def test_a_bank_refund_from_the_order_page_goes_out_in_the_sepa_file(client_in):
    # given an order paid by bank
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    page = client_in.get(f"/orders/{order.number}/").content.decode()
    assert 'id="refunds"' in page and "No refunds." in page
    # when 10.00 is refunded from the order page
    response = client_in.post(f"/orders/{order.number}/refunds/",
                              {"payment": payment.external_id, "amount": "10.00", "reason": "Kulanz",
                               "with_credit_note": "on"})
    # then the refund is listed, waiting for the SEPA file
    assert response.status_code == 302
    page = client_in.get(response.url).content.decode()
    assert "Refund requested." in page and "Requested" in page
    sepa = client_in.get("/refunds/sepa/").content.decode()
    assert order.number in sepa and "DE89370400440532013000" in sepa
    # when the SEPA file is created, then it can be downloaded (again)
    client_in.post("/refunds/sepa/")
    export = SepaExport.objects.get()
    download = client_in.get(f"/refunds/sepa/{export.message_id}.xml")
    assert download["Content-Type"] == "application/xml"
    assert b"<InstdAmt Ccy=\"EUR\">10.00</InstdAmt>" in download.content
    assert Refund.objects.get().status == RefundStatus.SENT


@pytest.mark.parametrize(("post", "message"), [
    ({"amount": "99.00", "with_credit_note": "on"}, "can still be refunded"),
    ({"amount": "abc"}, "Amount"),
    ({"amount": "5.00"}, "needs a credit note"),
    ({"amount": "5.00", "with_credit_note": "on", "iban": "DE00 1234", "account_name": "Erika"}, "IBAN"),
])
def test_a_bad_refund_on_the_page_shows_why_and_stores_nothing(client_in, post, message):
    order = simple_order()
    pay_by_hand(order, "44.88")
    response = client_in.post(f"/orders/{order.number}/refunds/", post, follow=True)
    assert message in response.content.decode()
    assert not Refund.objects.exists() and not CreditNote.objects.exists()


def test_the_sepa_page_needs_a_login(client):
    assert client.get("/refunds/sepa/").status_code == 302


def test_a_failed_psp_refund_is_retried_from_the_order_page_against_its_credit_note(client_in):
    # given a card refund with a credit note that the provider refused
    order = simple_order()
    payment = pay_by_psp(order, "44.88")
    failed = refund_request(order=order, payment=payment, amount=Decimal("10.00"), reason="Kulanz",
                            with_credit_note=True, actor=TESTER)
    refund_provider_answered(refund=failed, answer=ProviderAnswer(FAILED, error="refused"), actor=TESTER)
    page = client_in.get(f"/orders/{order.number}/").content.decode()
    assert f"/refunds/{failed.reference}/retry/" in page
    # when it is retried from the page
    response = client_in.post(f"/refunds/{failed.reference}/retry/", follow=True)
    # then a new refund is requested against the same credit note, and no second one is issued
    assert "Refund requested again." in response.content.decode()
    retry = Refund.objects.exclude(pk=failed.pk).get()
    assert (retry.status, retry.credit_note_id) == (RefundStatus.REQUESTED, failed.credit_note_id)
    assert CreditNote.objects.count() == 1
