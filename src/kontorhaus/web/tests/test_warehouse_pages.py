"""Warehouse pages: warehouses and bins, moves, policies, the count sheet with review and
booking, write-offs, the article's stock and ledger, CSV as of a day, webhook settings."""

import datetime as dt

import pytest

from kontorhaus.core import clock
from kontorhaus.flows.order_intake import order_intake
from kontorhaus.inventory.models import Location, StockLevel, StockMove
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.inventory.services_bins import bin_create, warehouse_create
from kontorhaus.sales.models import SalesOrderLine
from kontorhaus.sales.tests.factories import TESTER, make_article, make_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    warehouse = warehouse_create(code="HH", name="Hamburg", sellable=True, actor=TESTER)
    bins = {label: bin_create(warehouse=warehouse, label=label, walk_order=order, actor=TESTER)
            for label, order in (("A-01", 10), ("B-01", 20))}
    mug = make_article(sku="MUG", name="Becher")
    stock_adjust(article=mug, delta=5, reason="receipt", note="", actor=TESTER, location=bins["A-01"])
    return warehouse, bins, mug


def _level(article, location):
    level = StockLevel.objects.filter(article=article, location=location).first()
    return (level.on_hand, level.reserved) if level else (0, 0)


def test_the_pages_show_warehouses_bins_stock_and_low_stock(client_in, hall, django_assert_max_num_queries):
    _, _, mug = hall
    response = client_in.post("/warehouse/HH/policy/", {"sku": "MUG", "default_bin": "A-01", "reorder_point": "5",
                                                         "target_level": "20"})
    assert response.status_code == 302
    with django_assert_max_num_queries(12):
        overview = client_in.get("/warehouse/")
    assert overview.status_code == 200
    assert b"MUG" in overview.content and b'id="low-stock"' in overview.content  # 5 available <= 5
    with django_assert_max_num_queries(14):
        detail = client_in.get("/warehouse/HH/")
    assert b"A-01" in detail.content and b"Becher" in detail.content
    assert client_in.get("/warehouse/NOPE/").status_code == 404
    assert client_in.get(f"/warehouse/articles/{mug.sku}/").status_code == 200
    assert client_in.get("/warehouse/articles/NOPE/").status_code == 404


def test_create_warehouse_and_bin_move_stock_and_deactivate_an_empty_bin(client_in, hall):
    _, bins, mug = hall
    assert client_in.post("/warehouse/", {"code": "B2", "name": "Zweitlager", "sellable": "on"}).status_code == 302
    assert client_in.post("/warehouse/", {"code": "B2", "name": "again"}).status_code == 422
    assert client_in.post("/warehouse/HH/bins/", {"label": "C-01", "walk_order": "30"}).status_code == 302
    assert client_in.post("/warehouse/HH/bins/", {"label": "C 01", "walk_order": "30"}).status_code == 422
    moved = client_in.post("/warehouse/HH/transfer/", {"sku": "MUG", "from_bin": "A-01", "to_bin": "C-01",
                                                        "quantity": "2"})
    assert moved.status_code == 302
    assert _level(mug, Location.objects.get(code="HH:C-01")) == (2, 0)
    too_many = client_in.post("/warehouse/HH/transfer/", {"sku": "MUG", "from_bin": "A-01", "to_bin": "C-01",
                                                           "quantity": "9"})
    assert too_many.status_code == 422
    client_in.post("/warehouse/HH/bins/A-01/", {"walk_order": "10", "action": "deactivate"})  # holds stock: refused
    assert Location.objects.get(code="HH:A-01").active
    client_in.post("/warehouse/HH/bins/B-01/", {"walk_order": "5", "action": "deactivate"})
    assert (Location.objects.get(code="HH:B-01").active, Location.objects.get(code="HH:B-01").walk_order) == (False, 5)
    assert stock_reconcile() == []


def test_a_count_is_reviewed_then_booked_and_a_short_bin_backorders_the_newest_order(client_in, hall):
    _, bins, mug = hall
    order = order_intake(intake=make_intake(lines=[("MUG", 4, "10.00")], external_id="x"), actor=TESTER).order
    sheet = client_in.get("/warehouse/HH/count/?bin=A-01")
    assert sheet.status_code == 200 and b'name="counted-1"' in sheet.content
    posted = {"sku-1": "MUG", "bin-1": "A-01", "expected-1": "5", "counted-1": "3", "note": "Inventur"}
    review = client_in.post("/warehouse/HH/count/?bin=A-01", {**posted, "action": "review"})
    assert review.status_code == 200 and b'id="review"' in review.content and b"-2" in review.content
    assert StockMove.objects.filter(reason="count").count() == 0  # reviewing books nothing
    booked = client_in.post("/warehouse/HH/count/?bin=A-01", {**posted, "action": "book"})
    assert booked.status_code == 302
    assert _level(mug, bins["A-01"]) == (3, 3)
    line = SalesOrderLine.objects.get(order=order, sku="MUG")
    assert (line.reserved_quantity, line.backordered_quantity) == (3, 1)
    again = client_in.post("/warehouse/HH/count/?bin=A-01", {**posted, "action": "book"})  # sheet is stale now
    assert again.status_code == 422
    bad = client_in.post("/warehouse/HH/count/", {"sku-1": "MUG", "bin-1": "A-01", "counted-1": "x"})
    assert bad.status_code == 422
    assert stock_reconcile() == []


def test_write_off_csv_as_of_a_day_and_the_ledger(client_in, hall):
    _, bins, mug = hall
    StockMove.objects.update(occurred_at=dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC))
    assert client_in.post("/warehouse/HH/write-off/", {"sku": "MUG", "bin": "A-01", "quantity": "2",
                                                        "cause": "damage", "note": "Sturz"}).status_code == 302
    assert client_in.post("/warehouse/HH/write-off/", {"sku": "MUG", "bin": "A-01", "quantity": "9",
                                                        "cause": "damage"}).status_code == 422
    old = client_in.get("/warehouse/export/?date=2026-03-01&warehouse=HH")
    assert old["Content-Type"].startswith("text/csv")
    assert old.content.decode().splitlines() == ["date;sku;name;warehouse;bin;on_hand",
                                                 "2026-03-01;MUG;Becher;HH;A-01;5"]
    today = client_in.get(f"/warehouse/export/?date={clock.today().isoformat()}").content.decode().splitlines()
    assert today[1:] == [f"{clock.today().isoformat()};MUG;Becher;HH;A-01;3"]
    assert client_in.get("/warehouse/export/?date=gestern").status_code == 422
    ledger = client_in.get("/warehouse/articles/MUG/").content.decode()
    assert "Sturz" in ledger and "+5" in ledger and "-2" in ledger


def test_the_whole_pick_list_is_confirmed_from_the_page_once(client_in, hall):
    from kontorhaus.fulfillment.tests.factories_picking import released_order, start  # noqa: PLC0415

    order = released_order(("MUG", 2))
    run = start("single", order_number=order.number)
    page = client_in.get(f"/pick-runs/{run.number}/")
    assert b'id="all-picked"' in page.content
    done = client_in.post(f"/pick-runs/{run.number}/all-picked/")
    assert done.status_code == 200 and b'id="scan-ok"' in done.content and b'id="all-picked"' not in done.content
    assert SalesOrderLine.objects.get(order=order, sku="MUG").picked_quantity == 2
    again = client_in.post(f"/pick-runs/{run.number}/all-picked/")
    assert b'id="scan-error"' in again.content
    assert SalesOrderLine.objects.get(order=order, sku="MUG").picked_quantity == 2
    assert client_in.get(f"/pick-runs/{run.number}/all-picked/").status_code == 405
    assert client_in.post("/pick-runs/KO-1999-000001/all-picked/").status_code == 404


def test_a_pick_run_is_closed_short_from_the_page_once(client_in, hall):
    from kontorhaus.fulfillment.tests.factories_picking import released_order, start  # noqa: PLC0415

    order = released_order(("MUG", 2))
    run = start("single", order_number=order.number)
    assert b'id="close-short"' in client_in.get(f"/pick-runs/{run.number}/").content
    done = client_in.post(f"/pick-runs/{run.number}/close-short/")
    assert done.status_code == 200 and b'id="scan-ok"' in done.content and b'id="close-short"' not in done.content
    assert SalesOrderLine.objects.get(order=order, sku="MUG").picking_quantity == 0
    again = client_in.post(f"/pick-runs/{run.number}/close-short/")
    assert b'id="scan-error"' in again.content
    assert client_in.get(f"/pick-runs/{run.number}/close-short/").status_code == 405
    assert client_in.post("/pick-runs/KO-1999-000001/close-short/").status_code == 404
