"""The return label path with a real carrier adapter against the local fake DHL server: the
portal hands out the label PDF, and the warehouse finds the return by scanning its label."""

import pytest
from django.test import Client

from kontorhaus.fulfillment.services_carriers import carrier_account_set
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import dhl_account_data
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.selectors import return_find_by_scan
from kontorhaus.returns.tests.factories import shipped_order
from kontorhaus.sales.tests.factories import TESTER
from kontorhaus.web.portal_links import RETURN, portal_link_make

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account


def test_portal_return_gets_the_dhl_label_and_the_label_scan_finds_it(client: Client, dhl_account, fake_dhl) -> None:
    carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url, returns_enabled=True), credentials={},
                        actor=TESTER)
    order = shipped_order(1)
    token = portal_link_make(order_number=order.number, purpose=RETURN, max_age_days=7)
    response = client.post(token, {"qty_1": "1", "reason_1": "does_not_fit"})
    assert response.status_code == 302
    created = ReturnRequest.objects.get()
    assert created.label_tracking_number
    page = client.get(response["Location"]).content.decode()
    assert "return-label" in page and "return-instructions" not in page
    pdf = client.get(response["Location"] + "label.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert return_find_by_scan(code=created.label_tracking_number).pk == created.pk


def _returns_booked(fake_dhl) -> int:
    return len([r for r in fake_dhl.state.requests if r["method"] == "POST" and "/returns/" in r["path"]])


def test_each_portal_return_gets_its_own_label_and_its_scan_receives_it(client: Client, client_in: Client,
                                                                       dhl_account, fake_dhl) -> None:
    carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url, returns_enabled=True), credentials={},
                        actor=TESTER)
    order = shipped_order(2)
    token = portal_link_make(order_number=order.number, purpose=RETURN, max_age_days=7)
    done = [client.post(token, {"qty_1": "1", "reason_1": "does_not_fit"})["Location"] for _ in range(2)]
    first, second = ReturnRequest.objects.order_by("registered_at", "id")
    assert first.label_tracking_number and second.label_tracking_number
    assert first.label_tracking_number != second.label_tracking_number
    # reloading the pages and the label downloads books nothing more
    for url in done * 2:
        assert client.get(url).status_code == 200
        assert client.get(url + "label.pdf").content.startswith(b"%PDF")
    assert _returns_booked(fake_dhl) == 2
    # the warehouse scans the second label: the second return is received, not the newest or the first
    response = client_in.post("/returns/scan/", {"code": second.label_tracking_number})
    assert response["Location"].endswith(f"/returns/{second.number}/")
    assert ReturnRequest.objects.get(pk=second.pk).status == "received"
    assert ReturnRequest.objects.get(pk=first.pk).status == "registered"
    response = client_in.post("/returns/scan/", {"code": first.label_tracking_number})
    assert response["Location"].endswith(f"/returns/{first.number}/")
    assert ReturnRequest.objects.get(pk=first.pk).status == "received"
