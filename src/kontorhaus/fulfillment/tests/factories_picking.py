"""A warehouse with bins in walking order, articles stocked in them, and released orders."""

from kontorhaus.catalog.models import Article
from kontorhaus.flows.pick_run import PickRunRequest, pick_run_start
from kontorhaus.fulfillment.models import PickRun
from kontorhaus.inventory.models import Location, Warehouse
from kontorhaus.inventory.services import stock_adjust, stock_location_default
from kontorhaus.inventory.services_bins import bin_create
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.services_fulfillment import order_partial_delivery_set
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order


def warehouse() -> Warehouse:
    return stock_location_default().warehouse


def make_bin(label: str, walk_order: int) -> Location:
    return bin_create(warehouse=warehouse(), label=label, walk_order=walk_order, actor=TESTER)


def stocked(sku: str, *, units: int, bin_: Location, gtin: str = "", price: str = "10.00",
            weight_grams: int = 0) -> Article:
    article = make_article(sku=sku, price=price)
    if gtin or weight_grams:
        Article.objects.filter(pk=article.pk).update(gtin=gtin, weight_grams=weight_grams)
        article.refresh_from_db()
    stock_adjust(article=article, delta=units, reason="receipt", note="test", actor=TESTER, location=bin_)
    return article


def released_order(*lines: tuple[str, int], partial_delivery: str = "") -> SalesOrder:
    order = place_order(lines=[(sku, qty, "10.00") for sku, qty in lines], paid=True).order
    if partial_delivery:
        order = order_partial_delivery_set(order=order, partial_delivery=partial_delivery, actor=TESTER)
    return SalesOrder.objects.get(pk=order.pk)


def start(mode: str = "batch", **kwargs) -> PickRun:
    if mode == "batch":
        kwargs.setdefault("size", 100)
    return pick_run_start(request=PickRunRequest(mode=mode, **kwargs), actor=TESTER)
