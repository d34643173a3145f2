"""Concurrency is tested, not assumed: many real HTTP clients at once against the live server
(a threaded WSGI server, one database connection per request thread). Runs on SQLite and, in
the PostgreSQL pass, on PostgreSQL where row locks and guarded updates do the work."""

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from kontorhaus.api.services import api_token_create
from kontorhaus.billing.models import Invoice
from kontorhaus.catalog.models import Article
from kontorhaus.core import clock
from kontorhaus.inventory.models import StockReservation
from kontorhaus.inventory.selectors import stock_availability, stock_reconcile
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article, order_payload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _post_all(url: str, token: str, bodies: list[dict], clients: int) -> list[int]:
    barrier = threading.Barrier(min(clients, len(bodies)))

    def post(body: dict) -> int:
        # Like a shop: an Idempotency-Key per order, and a retry when the connection drops
        # (the test server's listen backlog is small, so 40 simultaneous connects overflow it).
        request = urllib.request.Request(
            f"{url}/api/v1/orders", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                     "Idempotency-Key": body["external_id"]},
        )
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        for attempt in range(10):
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our live server
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("server unreachable")

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(post, bodies))


def test_forty_clients_race_for_the_last_ten_units(live_server):
    # given 10 units of an article and 40 shops claiming one each with require_stock
    article = make_article(sku="LAST", stock=10)
    _, token = api_token_create(name="race")
    bodies = [
        order_payload(external_id=f"race-{i}", require_stock=True,
                      lines=[{"sku": "LAST", "quantity": 1, "unit_price": "9.99"}])
        for i in range(40)
    ]
    # when all 40 post at the same moment
    statuses = _post_all(live_server.url, token, bodies, clients=40)
    # then exactly 10 orders are accepted, the others refused with 409, nothing oversold
    # (a retried request whose first attempt got through answers 200 with the same order)
    assert statuses.count(201) + statuses.count(200) == 10, statuses
    assert sorted(statuses).count(409) == 30, statuses
    assert SalesOrder.objects.count() == 10
    stock = stock_availability(articles=[Article.objects.get(pk=article.pk)])[article.pk]
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 10, 0)
    assert sum(StockReservation.objects.values_list("quantity", flat=True)) == 10
    assert stock_reconcile() == []


def test_parallel_intakes_get_unique_gapless_invoice_numbers(live_server):
    # given 12 units and 36 orders from 12 parallel clients; orders for the scarce article
    # with require_stock fail and roll back *after* numbers could have been taken
    make_article(sku="PLENTY", stock=1000)
    make_article(sku="SCARCE", stock=12)
    _, token = api_token_create(name="numbers")
    bodies = []
    for i in range(36):
        lines = [{"sku": "PLENTY", "quantity": 1, "unit_price": "5.00"}]
        if i % 2:
            lines.append({"sku": "SCARCE", "quantity": 1, "unit_price": "7.00"})
        bodies.append(order_payload(external_id=f"num-{i}", require_stock=True, lines=lines))
    bodies += [order_payload(external_id=f"scarce-{i}", require_stock=True,
                             lines=[{"sku": "SCARCE", "quantity": 1, "unit_price": "7.00"}]) for i in range(12)]
    # when they all post at once
    statuses = _post_all(live_server.url, token, bodies, clients=12)
    # then every accepted order has an invoice, and the numbers are 1..n without a gap
    accepted = statuses.count(201) + statuses.count(200)
    assert accepted == SalesOrder.objects.count() == Invoice.objects.count()
    assert statuses.count(409) == len(bodies) - accepted > 0
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"RE-{clock.today().year}-{i:06d}" for i in range(1, accepted + 1)]
    assert stock_reconcile() == []
