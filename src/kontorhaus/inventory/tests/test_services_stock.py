import pytest

from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.inventory.selectors import stock_availability, stock_reconcile, stock_reservation_list
from kontorhaus.inventory.services import ReservationRequest, stock_adjust, stock_release, stock_reserve
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db


def availability(article):
    return stock_availability(articles=[article])[article.pk]


def test_reserve_takes_what_is_there_and_backorders_the_rest():
    # given 3 on hand
    article = make_article(stock=3)
    # when an order wants 5
    [result] = stock_reserve(requests=[ReservationRequest(article, 5, 1)], order_number="AU-1",
                             require_all=False, actor=TESTER)
    # then 3 are reserved and 2 backordered
    assert (result.reserved, result.backordered) == (3, 2)
    assert availability(article).available == 0
    assert stock_reconcile() == []


def test_require_all_refuses_and_reserves_nothing():
    a = make_article(sku="A", stock=5)
    b = make_article(sku="B", stock=1)
    with pytest.raises(InsufficientStock) as error:
        stock_reserve(requests=[ReservationRequest(a, 2, 1), ReservationRequest(b, 2, 2)], order_number="AU-1",
                      require_all=True, actor=TESTER)
    assert error.value.details["lines"] == [{"sku": "B", "wanted": 2, "available": 1}]
    assert availability(a).reserved == 0
    assert stock_reservation_list(order_number="AU-1") == []


def test_release_gives_stock_back():
    article = make_article(stock=4)
    stock_reserve(requests=[ReservationRequest(article, 3, 1)], order_number="AU-1", require_all=False, actor=TESTER)
    assert stock_release(order_number="AU-1", actor=TESTER) == 3
    assert availability(article).available == 4
    assert stock_release(order_number="AU-1", actor=TESTER) == 0
    assert stock_reconcile() == []


def test_adjustment_cannot_take_reserved_stock():
    article = make_article(stock=4)
    stock_reserve(requests=[ReservationRequest(article, 3, 1)], order_number="AU-1", require_all=False, actor=TESTER)
    with pytest.raises(InsufficientStock):
        stock_adjust(article=article, delta=-2, reason="write_off", note="broken", actor=TESTER)
    stock_adjust(article=article, delta=-1, reason="write_off", note="broken", actor=TESTER)
    assert (availability(article).on_hand, availability(article).reserved) == (3, 3)
    assert stock_reconcile() == []


def test_bad_adjustments_are_refused():
    digital = make_article(sku="EBOOK", kind="digital")
    physical = make_article(sku="P")
    with pytest.raises(InvalidInput):
        stock_adjust(article=digital, delta=1, reason="receipt", note="", actor=TESTER)
    with pytest.raises(InvalidInput):
        stock_adjust(article=physical, delta=0, reason="receipt", note="", actor=TESTER)
    with pytest.raises(InvalidInput):
        stock_adjust(article=physical, delta=1, reason="gift", note="", actor=TESTER)
