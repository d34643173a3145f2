"""A wrong item inspected on the back-office page: the clerk scans or types the SKU or GTIN of
what arrived, and that article — not the ordered one — goes into quarantine. Unknown, hostile
or contradictory input is a clear error beside the line, and nothing changes."""

from decimal import Decimal

import pytest
from django.test import Client

from kontorhaus.catalog.services import ArticleData, article_create
from kontorhaus.flows.return_received import return_goods_received
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.inventory.models import StockLevel, StockMove
from kontorhaus.returns.models import ReturnLine, ReturnRequest
from kontorhaus.returns.services import return_policy_get
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.returns.tests.factories import draft_for, shipped_order
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db


def received_return(units: int = 1) -> ReturnRequest:
    order = shipped_order(units)
    created = return_register_and_notify(draft=draft_for(order, (1, units)), actor=TESTER)
    return return_goods_received(request=created, actor=TESTER)


def arrived_article(sku: str = "MUG-BLUE", gtin: str = "4006381333931"):
    return article_create(sku=sku, data=ArticleData(name="Tasse blau", price_gross=Decimal("9.90"), gtin=gtin),
                          actor=TESTER)


def inspect(client: Client, number: str, **fields: str):
    data = {"condition_1": "wrong_item", "disposition_1": "quarantined", **fields}
    return client.post(f"/returns/{number}/inspect/", data)


def assert_nothing_changed(created: ReturnRequest) -> None:
    assert ReturnRequest.objects.get(pk=created.pk).status == ReturnStatus.RECEIVED
    line = ReturnLine.objects.get(request=created)
    assert line.inspected_at is None and line.received_article_id is None
    assert not StockMove.objects.filter(reference=created.number).exists()


def test_the_page_offers_the_field(client_in: Client) -> None:
    created = received_return()
    page = client_in.get(f"/returns/{created.number}/").content.decode()
    assert 'name="article_1"' in page


@pytest.mark.parametrize("scanned", ["MUG-BLUE", "mug-blue", " 4006381333931 ", "04006381333931"])
def test_a_scanned_sku_or_gtin_puts_the_arrived_article_into_quarantine(client_in: Client, scanned: str) -> None:
    # given a received return of one unit of an ordered article, and another article in the catalog
    created = received_return()
    ordered = created.lines.get().article
    arrived = arrived_article()
    # when the clerk inspects it as a wrong item for quarantine and scans what arrived
    response = inspect(client_in, created.number, article_1=scanned)
    # then the inspection is saved and the ledger shows the arrived article going into quarantine
    assert response.status_code == 302, response.content.decode()
    (move,) = StockMove.objects.filter(reference=created.number)
    quarantine = return_policy_get().quarantine_warehouse
    assert (move.article_id, move.quantity, move.reason) == (arrived.pk, 1, "return")
    assert move.to_location.warehouse.code == quarantine and not move.to_location.warehouse.sellable
    assert StockLevel.objects.get(article=arrived, location=move.to_location).on_hand == 1
    # and nothing of the ordered article moved
    assert not StockMove.objects.filter(reference=created.number, article=ordered).exists()
    line = ReturnLine.objects.get(request=created)
    assert line.received_article_id == arrived.pk
    # and the page names what arrived
    page = client_in.get(f"/returns/{created.number}/").content.decode()
    assert "MUG-BLUE" in page and "Tasse blau" in page


@pytest.mark.parametrize(("fields", "says"), [
    ({}, "name the article that arrived"),                                    # quarantine needs it
    ({"article_1": "NO-SUCH-SKU"}, "no article with the SKU or GTIN NO-SUCH-SKU"),
    ({"article_1": "4000000000000"}, "no article with the SKU or GTIN 4000000000000"),
    ({"article_1": "<script>alert(1)</script>"}, "no article with the SKU or GTIN"),
    ({"article_1": "MUG\u0007BLUE"}, "scan or type the SKU or GTIN"),             # a control character
    ({"article_1": "X" * 65}, "64"),                                            # the form's length limit
    ({"article_1": "MUG-BLUE", "condition_1": "damaged"}, "wrong items only"),  # not a wrong item
])
def test_unknown_or_hostile_articles_are_refused_and_nothing_changes(client_in: Client, fields: dict,
                                                                      says: str) -> None:
    created = received_return()
    arrived_article()
    response = inspect(client_in, created.number, **fields)
    assert response.status_code == 422
    page = response.content.decode()
    assert says in page, page
    assert "<script>alert(1)</script>" not in page
    assert_nothing_changed(created)


def test_the_ordered_article_named_as_arrived_is_refused(client_in: Client) -> None:
    created = received_return()
    ordered = created.lines.get().article
    response = inspect(client_in, created.number, article_1=ordered.sku)
    assert response.status_code == 422
    assert "is the ordered article" in response.content.decode()
    assert_nothing_changed(created)


def test_a_gtin_on_two_articles_asks_for_the_sku(client_in: Client) -> None:
    created = received_return()
    arrived_article("MUG-BLUE", "4006381333931")
    arrived_article("MUG-RED", "04006381333931")
    response = inspect(client_in, created.number, article_1="4006381333931")
    assert response.status_code == 422 and "type the SKU" in response.content.decode()
    assert_nothing_changed(created)


def test_a_non_stocked_article_is_refused(client_in: Client) -> None:
    created = received_return()
    make_article(sku="VOUCHER-25", kind="digital")
    response = inspect(client_in, created.number, article_1="VOUCHER-25")
    assert response.status_code == 422 and "not a stocked article" in response.content.decode()
    assert_nothing_changed(created)


def test_the_same_inspection_posted_twice_books_once(client_in: Client) -> None:
    created = received_return()
    arrived_article()
    assert inspect(client_in, created.number, article_1="MUG-BLUE").status_code == 302
    again = inspect(client_in, created.number, article_1="MUG-BLUE")
    assert again.status_code == 422
    assert StockMove.objects.filter(reference=created.number).count() == 1


def test_a_flagged_wrong_item_needs_no_article_and_moves_nothing(client_in: Client) -> None:
    created = received_return()
    response = client_in.post(f"/returns/{created.number}/inspect/",
                              {"condition_1": "wrong_item", "disposition_1": "flagged"})
    assert response.status_code == 302
    assert not StockMove.objects.filter(reference=created.number).exists()


def test_cancel_is_offered_only_while_no_line_is_inspected(client_in: Client) -> None:
    # given a received return of two lines
    order = shipped_order(1, 1)
    created = return_goods_received(request=return_register_and_notify(
        draft=draft_for(order, (1, 1), (2, 1)), actor=TESTER), actor=TESTER)
    assert 'value="cancel"' in client_in.get(f"/returns/{created.number}/").content.decode()
    # when the first line is inspected, then the page no longer offers to cancel it
    assert client_in.post(f"/returns/{created.number}/inspect/", {
        "condition_1": "resellable", "disposition_1": "restocked"}).status_code == 302
    page = client_in.get(f"/returns/{created.number}/").content.decode()
    assert 'value="cancel"' not in page and "inspect-form" in page
    # and a cancel posted anyway is refused with a message, the return unchanged
    response = client_in.post(f"/returns/{created.number}/close/", {"action": "cancel"}, follow=True)
    assert "inspected already" in response.content.decode()
    assert ReturnRequest.objects.get(pk=created.pk).status == ReturnStatus.RECEIVED
