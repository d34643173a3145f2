"""The whole order flow, one order at a time: milliseconds and CPU per step and in total.

Per order, in this process, through the same flows the API and the back office call:

    intake     order_intake (3 lines, prepayment; stock reserved, invoice issued)
    payment    payment_received (the bank transfer; the order is released)
    pick_run   pick_run_start for the order
    pick       pick_list_confirmed: the picker ticks off the order's pick list (with
               `--pick by-scan`: pick_confirmed for each row, as the scanner page does)
    pack       order_pack (shipment, stock out of the packing area)
    handover   shipment_handed_over (shipped)
    pdfs       document_render of the invoice (Factur-X) and of the delivery note

CPU is this process's CPU time plus, on PostgreSQL, the CPU of its database backend (read from
/proc: the server runs on this machine). Target (issue 5): at most 100 ms CPU per order
without the PDFs and 150 ms with them.

For each database (`--db sqlite|postgres|both`) it prepares a fresh database (SQLite in a temp
dir, or the PostgreSQL database `kontorhaus_bench_flow`), migrates it, creates 30 articles with
stock in bins, warms up with a few orders, then measures `--orders` orders.

    .venv/bin/python benchmarks/order_flow.py --db both --orders 200
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchkit import django_setup, log, percentile, pg_drop, read_stat

PG_DB = "kontorhaus_bench_flow"
STEPS = ("intake", "payment", "pick_run", "pick", "pack", "handover", "pdfs")
TARGET_CPU_MS = 100.0
TARGET_CPU_WITH_PDFS_MS = 150.0
ARTICLES = 30
TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def _catalogue() -> list:
    from decimal import Decimal  # noqa: PLC0415

    from kontorhaus.catalog.services import ArticleData, article_create  # noqa: PLC0415
    from kontorhaus.core.audit import SYSTEM  # noqa: PLC0415
    from kontorhaus.inventory.services import stock_adjust, stock_location_default  # noqa: PLC0415
    from kontorhaus.inventory.services_bins import bin_create, stock_policy_set  # noqa: PLC0415

    warehouse = stock_location_default().warehouse
    articles = []
    for n in range(ARTICLES):
        article = article_create(sku=f"ART-{n:02d}", data=ArticleData(
            name=f"Artikel {n}", price_gross=Decimal("12.90"), weight_grams=300,
            vat_class="reduced" if n % 4 == 0 else "standard"), actor=SYSTEM)
        bin_ = bin_create(warehouse=warehouse, label=f"A-{n:02d}", walk_order=n, actor=SYSTEM)
        stock_policy_set(article=article, warehouse=warehouse, default_bin=bin_, reorder_point=None,
                         target_level=None, actor=SYSTEM)
        stock_adjust(article=article, delta=1_000_000, reason="receipt", note="bench", actor=SYSTEM, location=bin_)
        articles.append(article)
    return articles


def _backend_pid() -> int | None:
    from django.db import connection  # noqa: PLC0415

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_ms(backend: int | None) -> float:
    own = time.process_time() * 1000
    if backend is None:
        return own
    stat = read_stat(backend)
    return own + (stat.ticks * TICK_MS if stat else 0.0)


def _one_order(index: int, articles: list, timings: dict[str, list[tuple[float, float]]], backend: int | None,
               *, by_scan: bool = False):
    import datetime as dt  # noqa: PLC0415
    from decimal import Decimal  # noqa: PLC0415

    from kontorhaus.billing.services import PaymentData  # noqa: PLC0415
    from kontorhaus.billing.states import PaymentSource  # noqa: PLC0415
    from kontorhaus.core.audit import SYSTEM  # noqa: PLC0415
    from kontorhaus.documents.services import document_render  # noqa: PLC0415
    from kontorhaus.flows.order_intake import IntakeLine, OrderIntake, order_intake  # noqa: PLC0415
    from kontorhaus.flows.pack_and_ship import PackItem, default_parcel, order_pack, shipment_handed_over  # noqa: PLC0415
    from kontorhaus.flows.payment_received import payment_received  # noqa: PLC0415
    from kontorhaus.flows.pick_run import (  # noqa: PLC0415
        PickRunRequest,
        pick_confirmed,
        pick_list_confirmed,
        pick_run_start,
    )
    from kontorhaus.fulfillment.selectors_picking import pick_rows  # noqa: PLC0415

    chosen = [articles[(index * 7 + k * 11) % len(articles)] for k in range(3)]
    address = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
               "country": "DE"}
    intake = OrderIntake(
        channel="bench", external_id=f"flow-{index}", placed_at=dt.datetime.now(tz=dt.UTC), currency="EUR",
        prices_include_vat=True, customer={"email": f"kunde{index % 50}@example.com", "name": "Erika Mustermann"},
        billing_address=address, shipping_address=None,
        lines=tuple(IntakeLine(a.sku, 1 + k, Decimal("12.90")) for k, a in enumerate(chosen)),
        payment_method="prepayment", paid=False, shipping_method="dhl-paket", shipping_price=Decimal("4.90"),
        require_stock=False,
    )
    state: dict = {}

    def step(name, work):
        wall, cpu = time.perf_counter(), _cpu_ms(backend)
        work()
        timings[name].append(((time.perf_counter() - wall) * 1000, _cpu_ms(backend) - cpu))

    def do_intake():
        result = order_intake(intake=intake, actor=SYSTEM)
        state["order"], state["invoice"] = result.order, result.invoice

    def do_payment():
        order = state["order"]
        payment_received(order=order, data=PaymentData(
            order_number=order.number, amount=order.total_gross, currency="EUR", method="prepayment",
            source=PaymentSource.MANUAL, reference=order.number), actor=SYSTEM)

    def do_pick_run():
        state["run"] = pick_run_start(request=PickRunRequest("single", order_number=state["order"].number),
                                      actor=SYSTEM)

    def do_pick():
        if by_scan:
            for row in pick_rows(run=state["run"]):
                pick_confirmed(run=state["run"], article=row.article, location=row.location, quantity=row.open,
                               actor=SYSTEM)
        else:
            pick_list_confirmed(run=state["run"], actor=SYSTEM)

    def do_pack():
        order = state["order"]
        items = [PackItem(code=a.sku, quantity=1 + k) for k, a in enumerate(chosen)]
        state["shipment"] = order_pack(order=order, items=items, parcels=[default_parcel(order)], actor=SYSTEM)

    def do_handover():
        shipment_handed_over(shipment=state["shipment"], actor=SYSTEM)

    def do_pdfs():
        document_render(kind="invoice", number=state["invoice"].number)
        document_render(kind="delivery_note", number=state["shipment"].number)

    for name, work in zip(STEPS, (do_intake, do_payment, do_pick_run, do_pick, do_pack, do_handover, do_pdfs),
                          strict=True):
        step(name, work)


def run(db: str, orders: int, by_scan: bool) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="kh-flow-"))
    try:
        django_setup(db, tmp, PG_DB)
        articles = _catalogue()
        backend = _backend_pid()
        warm: dict = defaultdict(list)
        for index in range(5):
            _one_order(10_000 + index, articles, warm, backend, by_scan=by_scan)
        timings: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for index in range(orders):
            _one_order(index, articles, timings, backend, by_scan=by_scan)
        return timings
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        if db == "postgres":
            pg_drop(PG_DB)
        shutil.rmtree(tmp, ignore_errors=True)


def report(db: str, timings: dict) -> bool:
    print(f"\n== {db}: {len(timings['intake'])} orders, one at a time")
    print(f"{'step':<10} {'wall p50':>9} {'wall p99':>9} {'CPU mean':>9}")
    cpu_total = cpu_no_pdf = 0.0
    for name in STEPS:
        walls = sorted(w for w, _ in timings[name])
        cpu = sum(c for _, c in timings[name]) / len(timings[name])
        cpu_total += cpu
        cpu_no_pdf += 0 if name == "pdfs" else cpu
        print(f"{name:<10} {percentile(walls, 50):>7.1f}ms {percentile(walls, 99):>7.1f}ms {cpu:>7.1f}ms")
    ok = cpu_no_pdf <= TARGET_CPU_MS and cpu_total <= TARGET_CPU_WITH_PDFS_MS
    print(f"CPU per order: {cpu_no_pdf:.1f} ms without PDFs (target <= {TARGET_CPU_MS:.0f}), "
          f"{cpu_total:.1f} ms with PDFs (target <= {TARGET_CPU_WITH_PDFS_MS:.0f})  {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--pick", choices=["list", "by-scan"], default="list",
                        help="confirm the pick list at once (default) or row by row as scans")
    args = parser.parse_args()
    if args.db == "both":  # Django is set up once per process: one child per database
        import subprocess  # noqa: PLC0415

        codes = [subprocess.call([sys.executable, __file__, "--db", db, "--orders", str(args.orders),
                                  "--pick", args.pick])
                 for db in ("sqlite", "postgres")]
        return max(codes)
    log(f"{args.db}: setting up (picks confirmed {'by scan' if args.pick == 'by-scan' else 'as a list'})")
    return 0 if report(args.db, run(args.db, args.orders, args.pick == "by-scan")) else 1


if __name__ == "__main__":
    sys.exit(main())
