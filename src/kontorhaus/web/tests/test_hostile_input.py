"""Hostile form input on the warehouse and purchasing pages: superscript digits, NUL bytes and
huge numbers get a clear error (or are ignored), never a 500, and change nothing."""

import pytest

from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.inventory.models import StockMove
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.inventory.services_bins import bin_create, warehouse_create
from kontorhaus.purchasing.models import GoodsReceipt
from kontorhaus.purchasing.tests.factories import make_gtin_article, make_po, make_supplier, make_terms
from kontorhaus.sales.tests.factories import TESTER, make_article
from kontorhaus.web.forms import single_line, whole_number
from kontorhaus.web.forms_fulfillment import counts_from
from kontorhaus.web.forms_purchasing import quantity_of

pytestmark = pytest.mark.django_db

HOSTILE_NUMBERS = ["²", "١٢", "1_000", "9" * 5000, "12345678", "-1", "1e3", "\x00", "3\x00"]


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_only_ascii_whole_numbers_are_numbers(text):
    assert whole_number(text) is None
    assert quantity_of(text) is None
    assert counts_from({"count_1": text, f"count_{text}": "1"}) == {}


def test_whole_numbers_and_single_lines():
    assert (whole_number(" 42 "), quantity_of(""), counts_from({"count_2": "3", "other": "x"})) == (42, 0, {2: 3})
    assert (single_line(" A-01 "), single_line("A\x00"), single_line("A\x1b[31m")) == ("A-01", None, None)


@pytest.fixture
def hall():
    warehouse = warehouse_create(code="HH", name="Hamburg", sellable=True, actor=TESTER)
    shelf = bin_create(warehouse=warehouse, label="A-01", walk_order=10, actor=TESTER)
    mug = make_article(sku="MUG", name="Becher")
    stock_adjust(article=mug, delta=5, reason="receipt", note="", actor=TESTER, location=shelf)
    return warehouse, shelf, mug


@pytest.mark.parametrize("row", [
    {"sku-1": "MUG\x00", "bin-1": "A-01", "counted-1": "3"},
    {"sku-1": "MUG", "bin-1": "A-01\x00", "counted-1": "3"},
    {"sku-1": "MUG", "bin-1": "A-01", "counted-1": "²"},
    {"sku-1": "MUG", "bin-1": "A-01", "counted-1": "9" * 5000},
    {"sku-1": "MUG", "bin-1": "A-01", "counted-1": "3", "expected-1": "⁵"},
])
@pytest.mark.parametrize("action", ["review", "book"])
def test_the_count_sheet_refuses_hostile_rows(client_in, hall, row, action):
    response = client_in.post("/warehouse/HH/count/", {**row, "action": action})
    assert response.status_code == 422
    assert b"Row 1:" in response.content
    assert not StockMove.objects.filter(reason="count").exists()


def test_a_nul_in_the_count_note_is_dropped_not_a_500(client_in, hall):
    response = client_in.post("/warehouse/HH/count/", {"sku-1": "MUG", "bin-1": "A-01", "expected-1": "5",
                                                       "counted-1": "4", "note": "Inventur\x00", "action": "book"})
    assert response.status_code == 302
    assert StockMove.objects.get(reason="count").quantity in (-1, 1)
    assert stock_reconcile() == []


@pytest.mark.parametrize("posted", [
    {"qty-1": "²"}, {"qty-1": "9" * 5000}, {"qty-1": "12345678"}, {"qty-1": "3", "bin-1": "A\x00"},
    {"qty-1": "3", "receipt_id": "abc\x00"},
])
def test_the_goods_receipt_refuses_hostile_input(client_in, posted):
    shirt = make_gtin_article("SHIRT")
    supplier = make_supplier()
    make_terms(supplier, shirt)
    order = make_po(supplier, [(shirt, 5)])
    response = client_in.post(f"/purchasing/orders/{order.number}/receive/", {"receipt_id": "r-1", **posted})
    assert response.status_code == 422
    assert not GoodsReceipt.objects.exists()
    assert "\x00" not in response.context["receipt_id"]


@pytest.mark.parametrize("count", ["²", "\x00", "9" * 5000])
def test_packing_ignores_hostile_counts(client_in, count):
    stocked("MUG", units=3, bin_=make_bin("B-01", 20))
    order = released_order(("MUG", 1))
    start()
    for path in ("scan", "pack"):
        response = client_in.post(f"/packing/{order.number}/{path}/", {"count_1": count, "code": "MUG",
                                                                       "p0_weight_grams": "500", "p0_length_cm": "30",
                                                                       "p0_width_cm": "20", "p0_height_cm": "10"})
        assert response.status_code in (200, 422)
    assert not Shipment.objects.exists()
