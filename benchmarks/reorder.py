"""Reorder list benchmark: the proposals for 10,000 articles (target: under 2 s).

For each database (`--db sqlite|postgres|both`) a child process gets a fresh database (SQLite in
a temp dir, or the PostgreSQL database `kontorhaus_bench_reorder` on 127.0.0.1:5432), migrates
it and bulk-inserts the data directly with `bulk_create` (through the services it would take
minutes): N articles with a stock policy in the main warehouse, stock in two bins each with some
of it reserved, 5 suppliers with terms for every article (one preferred, pack sizes 1/6/10/12,
minimum order quantities), and open purchase orders for every fifth article. Nine in ten
articles end up at or below their reorder point (close to the worst case). It then times
`reorder_list()` (best and median of --runs, warm) and prints the figures.

    .venv/bin/python benchmarks/reorder.py --db sqlite
    .venv/bin/python benchmarks/reorder.py --db both --articles 10000
"""

# ruff: noqa: PLC0415, T201, S311 -- the child sets Django up first; a benchmark prints; random data
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from benchkit import REPO, pg_admin, pg_drop

PG_DB = "kontorhaus_bench_reorder"
TARGET_SECONDS = 2.0


def parent(args: argparse.Namespace) -> int:
    failed = False
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"), DJANGO_SETTINGS_MODULE="kontorhaus.config.settings")
        with tempfile.TemporaryDirectory(prefix="kh-reorder-bench-") as tmp:
            env["KONTORHAUS_VAR"] = tmp
            if db == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            else:
                pg_drop(PG_DB)
                pg_admin(f'CREATE DATABASE "{PG_DB}"')
                env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
            try:
                argv = [sys.executable, __file__, "--child", "--articles", str(args.articles), "--runs", str(args.runs)]
                failed |= subprocess.run(argv, env=env, check=False).returncode != 0
            finally:
                if db == "postgres":
                    pg_drop(PG_DB)
    return 1 if failed else 0


def _setup(n: int) -> None:
    from kontorhaus.catalog.models import Article
    from kontorhaus.core import clock
    from kontorhaus.inventory.models import Location, LocationKind, StockLevel, StockPolicy
    from kontorhaus.inventory.services import stock_location_default
    from kontorhaus.purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier, SupplierTerms

    rng = random.Random(42)
    main = stock_location_default()
    warehouse = main.warehouse
    bins = Location.objects.bulk_create([
        Location(code=f"{warehouse.code}:B-{i:02}", label=f"B-{i:02}", kind=LocationKind.STOCK, warehouse=warehouse,
                 walk_order=i) for i in range(40)])
    Article.objects.bulk_create([Article(sku=f"SKU-{i:06}", name=f"Artikel {i}", price_gross=Decimal("19.99"))
                                 for i in range(n)], batch_size=2000)
    articles = list(Article.objects.order_by("pk"))
    policies, levels = [], []
    for i, article in enumerate(articles):
        point = rng.randint(5, 40)
        policies.append(StockPolicy(article=article, warehouse=warehouse, default_bin=bins[i % 40],
                                    reorder_point=point, target_level=point * 3))
        for location in (bins[i % 40], bins[(i + 7) % 40]):
            on_hand = rng.randint(0, point)
            levels.append(StockLevel(article=article, location=location, on_hand=on_hand,
                                     reserved=rng.randint(0, on_hand)))
    StockPolicy.objects.bulk_create(policies, batch_size=2000)
    StockLevel.objects.bulk_create(levels, batch_size=2000)
    suppliers = Supplier.objects.bulk_create([Supplier(number=f"7000{s}", name=f"Lieferant {s}",
                                                       email=f"l{s}@example.com") for s in range(5)])
    terms = []
    for i, article in enumerate(articles):
        for s, supplier in enumerate(suppliers):
            terms.append(SupplierTerms(supplier=supplier, article=article, supplier_sku=f"L{s}-{i}",
                                       purchase_price=Decimal("3.50") + s, pack_size=(1, 6, 10, 12)[(i + s) % 4],
                                       minimum_order_quantity=(1, 12, 24)[i % 3], preferred=s == i % 5))
    SupplierTerms.objects.bulk_create(terms, batch_size=5000)
    orders = PurchaseOrder.objects.bulk_create([
        PurchaseOrder(number=f"BE-BENCH-{s}", supplier=supplier, warehouse=warehouse, status="ordered",
                      supplier_name=supplier.name, supplier_email=supplier.email, created_by="bench",
                      created_at=clock.now()) for s, supplier in enumerate(suppliers)])
    PurchaseOrderLine.objects.bulk_create([
        PurchaseOrderLine(purchase_order=orders[i % 5], position=i // 5 % 30000 + 1, article=article, sku=article.sku,
                          name=article.name, quantity=24, unit_price=Decimal("3.50"), net=Decimal("84.00"),
                          received_quantity=rng.randint(0, 12))
        for i, article in enumerate(articles) if i % 5 == 0], batch_size=2000)


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kontorhaus.purchasing.reorder import reorder_list

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _setup(args.articles)
    setup_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = reorder_list()
        timings.append(time.perf_counter() - started)
    lines = sum(len(p.lines) for p in result.proposals)
    best, median = min(timings), statistics.median(timings)
    print(f"[{connection.vendor}] {args.articles} articles (set up in {setup_seconds:.1f} s): "
          f"{len(result.lines)} at or below the reorder point, {lines} proposed in {len(result.proposals)} "
          f"proposals; reorder_list best {best:.3f} s, median {median:.3f} s over {args.runs} runs "
          f"(target < {TARGET_SECONDS:.0f} s) -> {'OK' if median < TARGET_SECONDS else 'TOO SLOW'}")
    return 0 if median < TARGET_SECONDS else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
