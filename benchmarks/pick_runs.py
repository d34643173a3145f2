"""Pick-run benchmark: creating a pick run over thousands of released orders, and printing the
pick list of hundreds.

For each database (`--db sqlite|postgres|both`) it prepares a fresh database (SQLite in a temp
dir, or the PostgreSQL database `kontorhaus_bench_pick` on 127.0.0.1:5432, created and
dropped via psycopg), migrates it, and loads `--orders` released orders of `--lines` lines each
(50 articles in 50 bins, stock reserved bin by bin) with bulk inserts — the set-up is not
measured. Then it measures, in this process:

1. `pick_run_start` in batch mode over all orders (target: 5,000 x 3 lines < 5 s);
2. the pick-list PDF of a run of `--pdf-orders` orders (target: 500 orders < 10 s), one Typst
   compile.

    .venv/bin/python benchmarks/pick_runs.py --db both
    .venv/bin/python benchmarks/pick_runs.py --db sqlite --orders 5000 --check

Exit code 0 unless `--check` is given and a target is missed (then 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from benchkit import django_setup, log, pg_drop

PG_DB = "kontorhaus_bench_pick"
TARGET_RUN_S = 5.0
TARGET_PDF_S = 10.0
N_ARTICLES = 50


def _load(orders: int, lines: int) -> None:
    """Released, paid orders with their stock reserved in bins, by bulk insert (as intake and
    payment would leave them)."""
    from kontorhaus.catalog.models import Article  # noqa: PLC0415
    from kontorhaus.core import clock  # noqa: PLC0415
    from kontorhaus.customers.models import Customer  # noqa: PLC0415
    from kontorhaus.inventory.models import Location, LocationKind, StockLevel, StockReservation  # noqa: PLC0415
    from kontorhaus.inventory.services import stock_location_default  # noqa: PLC0415
    from kontorhaus.sales.models import SalesOrder, SalesOrderLine  # noqa: PLC0415

    warehouse = stock_location_default().warehouse
    bins = Location.objects.bulk_create([
        Location(code=f"{warehouse.code}:R{n:02d}", label=f"R{n:02d}", kind=LocationKind.STOCK, warehouse=warehouse,
                 walk_order=(n * 7919) % 1000) for n in range(N_ARTICLES)])
    bins = list(Location.objects.filter(label__startswith="R").order_by("label"))
    articles = Article.objects.bulk_create([
        Article(sku=f"ART-{n:03d}", name=f"Artikel {n}", price_gross=Decimal("10.00"),
                gtin="4006381333931" if n == 0 else "") for n in range(N_ARTICLES)])
    articles = list(Article.objects.order_by("sku"))
    customer = Customer.objects.create(email="bench@example.com", name="Bench")
    address = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
               "country": "DE"}
    now = clock.now()
    placed = now - dt.timedelta(days=1)
    order_rows = [SalesOrder(
        number=f"AU-2026-{n:06d}", channel="bench", external_id=str(n), status="open", payment_state="paid",
        fulfillment_state="released", readiness="ready", balance_due=Decimal("0.00"), released_at=now,
        placed_at=placed + dt.timedelta(seconds=n), customer=customer, customer_email=customer.email,
        customer_name="Erika Mustermann", billing_address=address, shipping_address=address,
        shipping_method="dhl-paket", payment_method="prepayment", tax_strategy="gross",
        total_net=Decimal("0"), total_vat=Decimal("0"), total_gross=Decimal("0")) for n in range(1, orders + 1)]
    SalesOrder.objects.bulk_create(order_rows, batch_size=1000)
    ids = dict(SalesOrder.objects.values_list("number", "pk"))
    line_rows, reservations, reserved = [], [], [0] * N_ARTICLES
    for n in range(1, orders + 1):
        number = f"AU-2026-{n:06d}"
        for position in range(1, lines + 1):
            index = (n * 3 + position * 17) % N_ARTICLES
            article = articles[index]
            line_rows.append(SalesOrderLine(
                order_id=ids[number], position=position, article=article, sku=article.sku, name=article.name,
                article_kind="physical", quantity=1, unit_price=Decimal("10"), tax_rate=Decimal("19"),
                tax_category="S", net=Decimal("0"), tax=Decimal("0"), gross=Decimal("0"), reserved_quantity=1))
            reservations.append(StockReservation(article=article, location=bins[index], order_number=number,
                                                 line_position=position, quantity=1))
            reserved[index] += 1
    SalesOrderLine.objects.bulk_create(line_rows, batch_size=2000)
    StockReservation.objects.bulk_create(reservations, batch_size=2000)
    StockLevel.objects.bulk_create([StockLevel(article=articles[i], location=bins[i], on_hand=reserved[i] + 10,
                                               reserved=reserved[i]) for i in range(N_ARTICLES)])


def _measure(orders: int, pdf_orders: int) -> tuple[float, float, int]:
    from django.db import connection, reset_queries  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from kontorhaus.core.audit import Actor  # noqa: PLC0415
    from kontorhaus.documents.services import document_render  # noqa: PLC0415
    from kontorhaus.flows.pick_run import PickRunRequest, pick_run_start  # noqa: PLC0415

    actor = Actor("bench", "pick_runs")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run = pick_run_start(request=PickRunRequest(mode="batch", size=orders), actor=actor)
        run_s = time.perf_counter() - started
    log(f"pick run {run.number}: {run.orders.count()} orders, {run.items.count()} items, "
        f"{len(queries)} queries")
    # the PDF: a run of pdf_orders orders (a fresh set would need fresh orders: the first
    # pdf_orders totes of this run make the same document a smaller run would)
    small = _pdf_run(run, pdf_orders)
    started = time.perf_counter()
    document = document_render(kind="pick_list", number=small)
    pdf_s = time.perf_counter() - started
    log(f"pick list {small}: {document.size // 1024} KiB")
    return run_s, pdf_s, len(queries)


def _pdf_run(run, pdf_orders: int) -> str:
    """A pick run of the first `pdf_orders` orders of `run`, copied (set-up, not measured)."""
    from kontorhaus.core import clock  # noqa: PLC0415
    from kontorhaus.fulfillment.models import PickItem, PickRun, PickRunOrder  # noqa: PLC0415

    copy = PickRun.objects.create(number=f"{run.number}-P", mode="batch", created_by="bench", created_at=clock.now())
    entries = list(PickRunOrder.objects.filter(run=run, tote__lte=pdf_orders))
    PickRunOrder.objects.bulk_create([PickRunOrder(run=copy, order_number=e.order_number, tote=e.tote, closed=True)
                                      for e in entries])
    PickItem.objects.bulk_create([
        PickItem(run=copy, order_number=i.order_number, tote=i.tote, line_position=i.line_position,
                 article_id=i.article_id, location_id=i.location_id, quantity=i.quantity)
        for i in PickItem.objects.filter(run=run, tote__lte=pdf_orders)])
    return copy.number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=3)
    parser.add_argument("--pdf-orders", type=int, default=500)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kh-bench-pick-"))
    try:
        django_setup(args.db, tmp, PG_DB)
        started = time.perf_counter()
        _load(args.orders, args.lines)
        log(f"loaded {args.orders} orders x {args.lines} lines in {time.perf_counter() - started:.1f} s")
        run_s, pdf_s, queries = _measure(args.orders, args.pdf_orders)
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        if args.db == "postgres":
            pg_drop(PG_DB)
        shutil.rmtree(tmp, ignore_errors=True)
    ok_run, ok_pdf = run_s < TARGET_RUN_S, pdf_s < TARGET_PDF_S
    print(f"{args.db}: pick run of {args.orders} orders x {args.lines} lines: {run_s:.2f} s "
          f"({queries} queries; target < {TARGET_RUN_S:.0f} s) {'PASS' if ok_run else 'FAIL'}")
    print(f"{args.db}: pick-list PDF of {args.pdf_orders} orders: {pdf_s:.2f} s "
          f"(target < {TARGET_PDF_S:.0f} s) {'PASS' if ok_pdf else 'FAIL'}")
    return 1 if args.check and not (ok_run and ok_pdf) else 0


if __name__ == "__main__":
    sys.exit(main())
