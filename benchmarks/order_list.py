"""Order-list benchmark: the back-office order list with 100,000 orders, read through `kontorhaus serve`.

The issue: the order list must be "paginated and fast with 100,000 orders" (search by order
number, external id, customer name or e-mail; filters for payment state, fulfillment state and
date). For each database (`--db sqlite|postgres|both`) this script

1. prepares a fresh database (SQLite in a temp dir, or the PostgreSQL database
   `kontorhaus_bench_list` on 127.0.0.1:5432, created and dropped via psycopg) and runs
   `kontorhaus migrate`;
2. fills it with `--orders` orders (default 100,000), ~20,000 customers, 300 articles and 1-3
   lines per order. The rows are BULK-INSERTED WITH THE ORM (`bulk_create` in batches of
   5,000, in a child process of this script with django.setup()), not generated through the
   order-intake flow: that would take ~20 minutes, and this benchmark measures reads, not
   writes (benchmarks/order_intake.py measures those). So there are no invoices, payments,
   e-mails or audit events; the order detail page shows an order without them. The data is
   realistic where it matters for the list queries: placed_at spread over the last two years
   (a growing shop, evening peaks), mostly open/paid/unfulfilled orders with unpaid,
   cancelled, completed, returned and in-progress ones mixed in (in-progress fulfillment
   states only in the last 10 days, so "shipped" is rare), German names (from the demo data
   generator), unique numbers AU-YYYY-NNNNNN per year, webshop and marketplace external ids,
   e-mails (some with capitals, as customers type them). Then it runs ANALYZE (PostgreSQL:
   VACUUM ANALYZE; SQLite: ANALYZE), as a database in use would have statistics;
3. starts `kontorhaus serve --port P --no-worker`, creates a back-office user with
   `kontorhaus createuser` and an API token with `kontorhaus token create`, logs in like a
   browser (GET /login/ for the CSRF cookie, POST the credentials; keep-alive http.client
   connection with a cookie jar) and measures the latency of GET requests per page, after a
   warm-up: p50/p90/p99/max over `--requests` requests (default 50), and the CPU ms per
   request of the web server (gunicorn master + workers) and, on PostgreSQL, of the
   benchmark database's backends, read from /proc before and after each page's window.
   Every response is checked (status 200, the expected rows), so a lost session or a filter
   that is silently ignored shows up as an error instead of a fast page;
4. prints a table per database with PASS/FAIL against the target: p99 < 300 ms per page
   (the issue's machine: 2 cores);
5. stops the server with SIGTERM to its process group and drops the database / removes the
   temp dir, also on Ctrl-C, SIGTERM and errors.

`--explain` prints, after filling, the SQL that the selector builds for each list page
(`sales.selectors.order_list` plus the keyset page of the view) with its plan: EXPLAIN
(ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite.

Stdlib only, plus psycopg and the project (from the project's venv). Linux only (/proc).

    .venv/bin/python benchmarks/order_list.py                      # --db both, 100,000 orders
    .venv/bin/python benchmarks/order_list.py --db postgres --explain
    .venv/bin/python benchmarks/order_list.py --db sqlite --orders 20000 --requests 20 --check

Exit code 0 unless `--check` is given and a target is missed or a page answers wrongly (then 1).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from zoneinfo import ZoneInfo

from benchkit import (
    all_stats,
    cmdline,
    descendants,
    free_port,
    kontorhaus_bin,
    log,
    percentile,
    pg_admin,
    pg_drop,
    psycopg,
    run_cli,
    stop_server,
)

PG_BENCH_DB = "kontorhaus_bench_list"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
CLK_TCK = os.sysconf("SC_CLK_TCK")
USERNAME, PASSWORD = "bench", "bench-pass-123"
PAGE_SIZE = 50  # web.views.PAGE_SIZE
TARGET_P99_MS = 300.0  # from the issue, on a 2-core machine

ZONE = ZoneInfo("Europe/Berlin")
HISTORY_DAYS = 730
RECENT_DAYS = 10
# Orders per hour of the day (shop's local time), as in the demo data.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 6, 6, 6, 6, 7, 8, 10, 11, 10, 7, 3)
# (status, payment_state, fulfillment_state), weight. Orders older than RECENT_DAYS ...
OLD_STATES = (
    (("open", "paid", "unfulfilled"), 60.0), (("completed", "paid", "delivered"), 20.0),
    (("open", "unpaid", "unfulfilled"), 7.0), (("open", "paid", "delivered"), 3.0),
    (("cancelled", "unpaid", "unfulfilled"), 4.0), (("cancelled", "refunded", "unfulfilled"), 1.0),
    (("open", "partially_paid", "unfulfilled"), 1.0), (("completed", "partially_refunded", "returned"), 1.5),
    (("completed", "refunded", "returned"), 1.0), (("open", "overpaid", "unfulfilled"), 0.5),
    (("open", "paid", "shipped"), 0.3),
)
# ... and the last RECENT_DAYS days, where picking, packing and shipping happen.
RECENT_STATES = (
    (("open", "paid", "unfulfilled"), 35.0), (("open", "unpaid", "unfulfilled"), 15.0),
    (("open", "paid", "released"), 8.0), (("open", "paid", "picking"), 6.0), (("open", "paid", "packed"), 6.0),
    (("open", "paid", "partially_shipped"), 2.0), (("open", "paid", "shipped"), 20.0),
    (("open", "paid", "delivered"), 3.0), (("cancelled", "unpaid", "unfulfilled"), 4.0),
    (("cancelled", "refunded", "unfulfilled"), 1.0),
)
UNPAID_METHODS, UNPAID_WEIGHTS = ("prepayment", "invoice", "cod"), (45, 35, 20)
METHODS, METHOD_WEIGHTS = ("prepayment", "invoice", "paypal", "card", "cod"), (22, 15, 35, 18, 10)
ARTICLE_WORDS = ("T-Shirt", "Kapuzenpullover", "Kaffee", "Espressobohnen", "Notizbuch", "Kochbuch", "Teekanne",
                 "Wanderrucksack", "Ladekabel", "Bluetooth-Lautsprecher", "Trinkflasche", "Schal", "Honig",
                 "Olivenöl", "Gewürzset", "Bettwäsche", "Handtuch", "Brotdose", "Kerze", "Puzzle")
ARTICLE_ADJECTIVES = ("Bio", "Classic", "Nordsee", "Alpen", "Premium", "Vintage", "Mini", "Family", "Urban", "Eco")


# --- filling the database (runs in a child process with django.setup()) ---------------------


def _placed_times(rng: random.Random, count: int, now: dt.datetime) -> list[dt.datetime]:
    """A shop that grows from 0.6x to 1.4x its average order rate over two years."""
    times = []
    while len(times) < count:
        x = rng.random()
        if rng.random() * 1.4 > 0.6 + 0.8 * x:
            continue
        day = (now - dt.timedelta(days=HISTORY_DAYS * (1 - x))).astimezone(ZONE).date()
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=ZONE)
        moment = local.astimezone(dt.UTC)
        earlier = dt.timedelta(minutes=rng.uniform(1, 600))  # drawn always: the same data on every run
        times.append(moment if moment < now else now - earlier)
    times.sort()
    return times


def _mixed_case(rng: random.Random, email: str) -> str:
    """Some customers type their address with capitals; the order keeps it as typed."""
    if rng.random() >= 0.03:
        return email
    local, _, domain = email.partition("@")
    return ".".join(part[:1].upper() + part[1:] for part in local.split(".")) + "@" + domain


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _lines_for(rng: random.Random, articles: list, weights: list[float]) -> list[dict]:
    count = rng.choices((1, 2, 3), weights=(60, 28, 12))[0]
    picked = {a.pk: a for a in rng.choices(articles, weights=weights, k=count)}
    lines = []
    for position, article in enumerate(picked.values(), start=1):
        rate = Decimal("7.00") if article.vat_class == "reduced" else Decimal("19.00")
        quantity = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        gross = _money(article.price_gross * quantity)
        net = _money(gross / (1 + rate / 100))
        lines.append({"position": position, "article": article, "sku": article.sku, "name": article.name,
                      "quantity": quantity, "unit_price": article.price_gross, "tax_rate": rate,
                      "net": net, "tax": gross - net, "gross": gross})
    return lines


def _breakdown(lines: list[dict]) -> list[dict]:
    buckets: dict[Decimal, list[Decimal]] = {}
    for line in lines:
        bucket = buckets.setdefault(line["tax_rate"], [Decimal(0), Decimal(0), Decimal(0)])
        bucket[0] += line["net"]
        bucket[1] += line["tax"]
        bucket[2] += line["gross"]
    return [{"rate": str(rate), "category": "S", "net": str(n), "tax": str(t), "gross": str(g),
             "rounding_difference": "0.00"} for rate, (n, t, g) in sorted(buckets.items())]


def _states(rng: random.Random, placed: dt.datetime, now: dt.datetime) -> tuple[str, str, str]:
    table = RECENT_STATES if now - placed < dt.timedelta(days=RECENT_DAYS) else OLD_STATES
    return rng.choices([s for s, _ in table], weights=[w for _, w in table])[0]


def _external_id(rng: random.Random, index: int) -> tuple[str, str]:
    if rng.random() < 0.2:  # marketplace order ids look like 302-1234567-1234567
        return "marketplace", f"302-{rng.randrange(10**7):07d}-{index:07d}"
    return "webshop", str(104_711 + index)


def fill(n_orders: int, n_customers: int, seed: int, batch: int) -> dict:
    """Bulk-insert the data set; returns sample values for the requests (printed as JSON)."""
    import django  # noqa: PLC0415 - needs DJANGO_SETTINGS_MODULE and DATABASE_URL from our parent

    django.setup()
    from django.db import connection, transaction  # noqa: PLC0415

    from kontorhaus.catalog.models import Article  # noqa: PLC0415
    from kontorhaus.customers.models import Customer  # noqa: PLC0415
    from kontorhaus.demo.people import demo_customer, demo_shipping_address  # noqa: PLC0415
    from kontorhaus.sales.models import SalesOrder, SalesOrderLine  # noqa: PLC0415

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    started = time.monotonic()

    articles = []
    for i in range(1, 301):
        reduced = rng.random() < 0.2
        articles.append(Article(
            sku=f"ART-{i:04d}", name=f"{rng.choice(ARTICLE_ADJECTIVES)} {rng.choice(ARTICLE_WORDS)} {i}",
            vat_class="reduced" if reduced else "standard", kind="physical",
            price_gross=Decimal(rng.choice([4, 7, 9, 12, 19, 24, 29, 39, 49, 79, 129]))
            + Decimal(rng.choice(["0.00", "0.50", "0.90", "0.95", "0.99"])),
            weight_grams=rng.randint(50, 3000), created_at=now - dt.timedelta(days=HISTORY_DAYS + 30)))
    articles = Article.objects.bulk_create(articles)
    article_weights = [1 / (rank + 5) for rank in range(len(articles))]  # a few best sellers

    taken: set[str] = set()
    people = [demo_customer(rng, taken, business=rng.random() < 0.12) for _ in range(n_customers)]
    customers = []
    for start in range(0, len(people), batch):
        chunk = [Customer(email=p.email, name=p.name, company=p.company, vat_id=p.vat_id, phone=p.phone,
                          street=p.address["street"], postal_code=p.address["postal_code"],
                          city=p.address["city"], country="DE", created_at=now - dt.timedelta(days=HISTORY_DAYS))
                 for p in people[start:start + batch]]
        with transaction.atomic():
            customers.extend(Customer.objects.bulk_create(chunk))
    loyalty = [rng.paretovariate(1.5) for _ in customers]
    cum_loyalty = []
    total = 0.0
    for w in loyalty:
        total += w
        cum_loyalty.append(total)
    log(f"  {len(articles)} articles, {len(customers)} customers ({time.monotonic() - started:.0f} s)")

    placed_times = _placed_times(rng, n_orders, now)
    counters: dict[int, int] = {}
    samples: dict = {}
    orders_per_customer = [0] * len(customers)
    for start in range(0, n_orders, batch):
        orders, order_lines = [], []
        for index in range(start, min(start + batch, n_orders)):
            placed = placed_times[index]
            year = placed.astimezone(ZONE).year
            counters[year] = counters.get(year, 0) + 1
            who = rng.choices(range(len(customers)), cum_weights=cum_loyalty)[0]
            person, customer = people[who], customers[who]
            orders_per_customer[who] += 1
            status, payment_state, fulfillment_state = _states(rng, placed, now)
            if payment_state == "unpaid":
                method = rng.choices(UNPAID_METHODS, weights=UNPAID_WEIGHTS)[0]
            else:
                method = rng.choices(METHODS, weights=METHOD_WEIGHTS)[0]
            channel, external_id = _external_id(rng, index)
            lines = _lines_for(rng, articles, article_weights)
            shipping = demo_shipping_address(rng, person) if rng.random() < 0.12 else person.address
            later = min(now, placed + dt.timedelta(hours=rng.uniform(20, 24 * 6)))
            orders.append(SalesOrder(
                number=f"AU-{year}-{counters[year]:06d}", channel=channel, external_id=external_id,
                status=status, payment_state=payment_state, fulfillment_state=fulfillment_state,
                placed_at=placed, created_at=placed + dt.timedelta(seconds=rng.uniform(1, 90)),
                completed_at=later if status == "completed" else None,
                cancelled_at=later if status == "cancelled" else None,
                customer=customer, customer_email=_mixed_case(rng, person.email), customer_name=person.name,
                customer_company=person.company, customer_vat_id=person.vat_id, customer_phone=person.phone,
                billing_address=person.address, shipping_address=shipping,
                shipping_method="dhl-paket", payment_method=method, tax_strategy="gross_based",
                total_net=sum(line["net"] for line in lines), total_vat=sum(line["tax"] for line in lines),
                total_gross=sum(line["gross"] for line in lines), tax_breakdown=_breakdown(lines),
                balance_due=Decimal(0) if payment_state == "paid" else sum(line["gross"] for line in lines),
            ))
            order_lines.append(lines)
        with transaction.atomic():
            orders = SalesOrder.objects.bulk_create(orders)
            reserve = [o.status == "open" and o.fulfillment_state in ("unfulfilled", "released") for o in orders]
            SalesOrderLine.objects.bulk_create([
                SalesOrderLine(order=order, kind="article", article_kind="physical", tax_category="S",
                               reserved_quantity=line["quantity"] if keep else 0, **line)
                for order, lines, keep in zip(orders, order_lines, reserve, strict=True) for line in lines
            ], batch_size=batch)
        for order in orders:
            _remember_sample(samples, order, now)
        log(f"  {start + len(orders)} orders ({time.monotonic() - started:.0f} s)")

    # E-mails to search for: a customer with a few orders, and the most frequent buyer.
    typical = next(i for i, n in enumerate(orders_per_customer) if 5 <= n <= 10)
    frequent = max(range(len(customers)), key=orders_per_customer.__getitem__)
    samples["email"], samples["email_orders"] = customers[typical].email, orders_per_customer[typical]
    samples["email_frequent"], samples["email_frequent_orders"] = (customers[frequent].email,
                                                                   orders_per_customer[frequent])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
    log(f"  filled in {time.monotonic() - started:.0f} s")
    return samples


def _remember_sample(samples: dict, order, now: dt.datetime) -> None:
    """Values to search for: real rows from the middle of the history (not the newest)."""
    age = now - order.placed_at
    if order.number == "AU-2025-012345":
        samples["number"] = order.number
    if age < dt.timedelta(days=400):
        samples.setdefault("number", order.number)
        samples.setdefault("detail", order.number)
        if order.channel == "marketplace":
            samples.setdefault("external_id", order.external_id)
            samples.setdefault("external_id_order", order.number)


# --- EXPLAIN of the selector's queries (child process) ---------------------------------------


def explain(cases_json: str) -> None:
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.db.models import Q  # noqa: PLC0415
    from django.http import QueryDict  # noqa: PLC0415

    from kontorhaus.sales.models import SalesOrder  # noqa: PLC0415
    from kontorhaus.sales.selectors import order_list  # noqa: PLC0415
    from kontorhaus.web.forms import OrderFilterForm  # noqa: PLC0415
    from kontorhaus.web.pagination import _decode  # noqa: PLC0415

    for label, query in json.loads(cases_json):
        params = QueryDict(query)
        form = OrderFilterForm(params)
        form.is_valid()
        qs = order_list(filters=form.to_filter()).order_by("-placed_at", "-id")
        after = _decode(params.get("after", ""), SalesOrder._meta.get_field("placed_at"))
        if after:
            qs = qs.filter(Q(placed_at__lt=after[0]) | Q(placed_at=after[0], id__lt=after[1]))
        qs = qs[: PAGE_SIZE + 1]
        print(f"\n--- {label}: /orders/?{query}")
        print(re.sub(r"^SELECT .*? FROM", "SELECT ... FROM", str(qs.query)))
        if connection.vendor == "postgresql":
            print(qs.explain(analyze=True, buffers=True))
        else:
            print(qs.explain())
        t0 = time.perf_counter()
        rows = len(list(qs))
        print(f"({rows} rows, {1000 * (time.perf_counter() - t0):.1f} ms in the ORM)")


# --- /proc accounting -------------------------------------------------------------------------


def cpu_ticks(serve_pid: int) -> tuple[int, int]:
    """(gunicorn master + workers, postgres backends of the bench database) in clock ticks."""
    stats = all_stats()
    web = set()
    for pid in descendants(serve_pid, stats):
        if stats[pid].ppid == serve_pid and "gunicorn" in cmdline(pid):
            web |= descendants(pid, stats)
    pg = sum(st.ticks for pid, st in stats.items()
             if st.comm.startswith("postgres") and f" {PG_BENCH_DB} " in cmdline(pid) + " ")
    return sum(stats[p].ticks for p in web if p in stats), pg


# --- database and server ----------------------------------------------------------------------


def pg_vacuum_analyze() -> None:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def run_self(env: dict[str, str], *argv: str) -> str:
    """This script in a child process (the project's Django settings come from `env`)."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *argv], env=env,
                          stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(__file__).name} {' '.join(argv)} failed with exit code {proc.returncode}")
    return proc.stdout


# --- HTTP -------------------------------------------------------------------------------------


class Browser:
    """One keep-alive connection with a cookie jar (session and CSRF cookies), like a browser tab."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        hdrs = {"Accept": "text/html,application/json", "Accept-Language": "de"}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                payload = resp.read()
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in resp.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
        raise AssertionError("unreachable")

    def login(self, username: str, password: str) -> None:
        status, _, _ = self.request("GET", "/login/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"GET /login/ -> {status}, cookies {sorted(self.cookies)}")
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookies["csrftoken"], "username": username,
                                       "password": password, "next": "/orders/"}).encode()
        status, headers, body = self.request("POST", "/login/", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/login/"})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed: POST /login/ -> {status}: {body[:300]!r}")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    browser = Browser(port, timeout=5)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`kontorhaus serve` exited with code {proc.returncode} before answering")
        with contextlib.suppress(OSError):
            if browser.request("GET", "/login/")[0] == 200:
                browser.close()
                return
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


ORDER_LINK = re.compile(r'<a class="mono" href="/orders/(AU-\d{4}-\d+)/">')
NEXT_LINK = re.compile(r'<a class="next" rel="next" href="([^"]+)"')


def order_rows(body: bytes) -> list[str]:
    return ORDER_LINK.findall(body.decode(errors="replace"))


def next_href(path: str, body: bytes) -> str | None:
    found = NEXT_LINK.search(body.decode(errors="replace"))
    if not found:
        return None
    return urllib.parse.urljoin(path, html.unescape(found.group(1)))


# --- the pages --------------------------------------------------------------------------------


Check = Callable[[int, bytes], str]  # "" when the response is right, else what is wrong


def rows_check(minimum: int, maximum: int = PAGE_SIZE, must_contain: str = "") -> Check:
    def check(status: int, body: bytes) -> str:
        if status != 200:
            return f"HTTP {status}"
        rows = order_rows(body)
        if not minimum <= len(rows) <= maximum:
            return f"{len(rows)} rows, expected {minimum}..{maximum}"
        if must_contain and must_contain not in rows:
            return f"{must_contain} not among the rows"
        return ""
    return check


def detail_check(number: str) -> Check:
    def check(status: int, body: bytes) -> str:
        return f"HTTP {status}" if status != 200 else ("" if number.encode() in body else f"{number} missing")
    return check


def api_check(status: int, body: bytes) -> str:
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    items = json.loads(body).get("items", [])
    return "" if len(items) == PAGE_SIZE else f"{len(items)} items"


@dataclass
class Case:
    label: str
    path: str
    check: Check
    api: bool = False
    explain_query: str | None = None  # the order list's query string, for --explain


def month_ago(now: dt.date, months: int) -> tuple[dt.date, dt.date]:
    year, month = now.year, now.month - months
    while month < 1:
        year, month = year - 1, month + 12
    first = dt.date(year, month, 1)
    last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
    return first, last


def build_cases(samples: dict, deep: int) -> list[Case]:
    first, last = month_ago(dt.datetime.now(ZONE).date(), 12)

    def lst(label: str, params: dict, check: Check) -> Case:
        query = urllib.parse.urlencode(params)
        return Case(label, "/orders/" + (f"?{query}" if query else ""), check, explain_query=query)

    full, some = rows_check(PAGE_SIZE), rows_check(1)
    return [
        lst("list, first page", {}, full),
        lst("payment_state=unpaid", {"payment_state": "unpaid"}, full),
        lst("fulfillment_state=shipped (rare)", {"fulfillment_state": "shipped"}, some),
        lst("status=cancelled (no index)", {"status": "cancelled"}, full),
        lst("placed one month (12 months ago)", {"placed_from": first.isoformat(), "placed_to": last.isoformat()},
            full),
        lst("search exact number", {"q": samples["number"]}, rows_check(1, 1, samples["number"])),
        lst("search external id", {"q": samples["external_id"]}, rows_check(1, 1, samples["external_id_order"])),
        lst(f"search e-mail ({samples['email_orders']} orders)", {"q": samples["email"]},
            rows_check(samples["email_orders"], samples["email_orders"])),
        lst(f"search e-mail, top buyer ({samples['email_frequent_orders']} ord.)", {"q": samples["email_frequent"]},
            rows_check(min(PAGE_SIZE, samples["email_frequent_orders"]))),
        lst("search name 'müller' (substring)", {"q": "müller"}, full),
        lst("search name, no match (worst case)", {"q": "zzyzx"}, rows_check(0, 0)),
        Case(f"list, page {deep + 1} (next link x{deep})", "", full),  # path filled in by following links
        Case(f"status=cancelled, page {deep + 1}", "", full),
        Case("order detail", f"/orders/{samples['detail']}/", detail_check(samples["detail"])),
        Case("API GET /api/v1/orders?limit=50", "/api/v1/orders?limit=50", api_check, api=True),
    ]


def follow_next(browser: Browser, path: str, times: int) -> str:
    """The page reached by following the "next" link `times` times ("" if there are fewer pages)."""
    for _ in range(times):
        status, _, body = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} -> HTTP {status}")
        href = next_href(path, body)
        if href is None:
            return ""
        path = href
    return path


@dataclass
class PageResult:
    label: str
    path: str
    latencies: list[float] = field(default_factory=list)  # ms
    errors: list[str] = field(default_factory=list)
    rows: int = 0
    kbytes: float = 0.0
    web_ms: float = 0.0
    pg_ms: float = 0.0

    def p(self, q: float) -> float:
        return percentile(sorted(self.latencies), q)

    @property
    def ok(self) -> bool:
        return not self.errors and self.p(99) < TARGET_P99_MS


def measure(case: Case, port: int, cookies: dict[str, str], token: str, args: argparse.Namespace,
            serve_pid: int) -> PageResult:
    result = PageResult(case.label, case.path)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"} if case.api else {}
    browsers = [Browser(port, cookies={} if case.api else cookies) for _ in range(args.clients)]
    lock = threading.Lock()

    def run(browser: Browser, count: int, record: bool) -> None:
        for _ in range(count):
            t0 = time.perf_counter()
            try:
                status, _, body = browser.request("GET", case.path, headers=headers)
            except OSError as exc:
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            problem = case.check(status, body)
            if record:
                with lock:
                    result.latencies.append(elapsed)
                    result.kbytes = len(body) / 1024
                    result.rows = len(order_rows(body)) if not case.api else len(json.loads(body).get("items", []))
                    if problem:
                        result.errors.append(problem)

    def in_threads(count: int, record: bool) -> None:
        threads = [threading.Thread(target=run, args=(b, count, record)) for b in browsers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    in_threads(args.warmup, record=False)
    web0, pg0 = cpu_ticks(serve_pid)
    in_threads(args.requests, record=True)
    web1, pg1 = cpu_ticks(serve_pid)
    n = max(1, len(result.latencies))
    result.web_ms = (web1 - web0) * 1000 / CLK_TCK / n
    result.pg_ms = (pg1 - pg0) * 1000 / CLK_TCK / n
    for b in browsers:
        b.close()
    return result


# --- one database -----------------------------------------------------------------------------


@dataclass
class DbResult:
    db: str
    pages: list[PageResult] = field(default_factory=list)
    fill_s: float = 0.0
    orders: int = 0
    load_before: tuple[float, float, float] = (0, 0, 0)


def run_one(db: str, args: argparse.Namespace) -> DbResult:
    tmp = Path(tempfile.mkdtemp(prefix=f"kh-bench-list-{db}-"))
    env = dict(os.environ)
    env.update({
        "KONTORHAUS_VAR": str(tmp), "EMAIL_URL": f"file://{tmp / 'mail'}",
        "DJANGO_SETTINGS_MODULE": "kontorhaus.config.settings", "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}" if db == "sqlite" else PG_URL,
    })
    if env.get("DEBUG") == "1":
        log("WARNING: DEBUG=1 in the environment; figures are not representative")
    proc: subprocess.Popen | None = None
    tree: set[int] = set()
    log_file = None
    result = DbResult(db=db, orders=args.orders)
    try:
        if db == "postgres":
            pg_drop(PG_BENCH_DB)
            pg_admin(f'CREATE DATABASE "{PG_BENCH_DB}"')
        log(f"{db}: migrate")
        run_cli(env, "migrate")
        log(f"{db}: bulk-inserting {args.orders} orders, {args.customers} customers")
        t0 = time.monotonic()
        out = run_self(env, "--_fill", "--orders", str(args.orders), "--customers", str(args.customers),
                       "--seed", str(args.seed), "--batch", str(args.batch))
        samples = json.loads(out.strip().splitlines()[-1])
        if db == "postgres":
            pg_vacuum_analyze()
        result.fill_s = time.monotonic() - t0
        log(f"{db}: data ready in {result.fill_s:.0f} s; samples {samples}")
        run_cli(env, "createuser", USERNAME, "--password", PASSWORD, "--superuser")
        token = run_cli(env, "token", "create", "--name", "bench").strip().splitlines()[-1].strip()
        if not token.startswith("kh_"):
            raise RuntimeError(f"unexpected output of `kontorhaus token create`: {token!r}")

        cases = build_cases(samples, args.deep)
        if args.explain:
            queries = [(c.label, c.explain_query) for c in cases if c.explain_query is not None]
            sys.stdout.write(run_self(env, "--_explain", json.dumps(queries)))

        port = args.port or free_port()
        serve_argv = [kontorhaus_bin(), "serve", "--port", str(port), "--no-worker", *args.serve_arg]
        log(f"{db}: starting {' '.join(serve_argv[1:])}")
        log_file = open(tmp / "serve.log", "wb")  # noqa: SIM115 - closed in finally
        proc = subprocess.Popen(serve_argv, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=tmp)
        wait_until_up(port, proc)
        tree = descendants(proc.pid, all_stats())
        browser = Browser(port)
        browser.login(USERNAME, PASSWORD)
        for case in cases:  # the deep pages: follow the "next" links like a user
            if case.path == "":
                start = "/orders/" if case.label.startswith("list") else "/orders/?status=cancelled"
                case.path = follow_next(browser, start, args.deep)
                if not case.path:
                    log(f"{db}: skipping '{case.label}': fewer than {args.deep + 1} pages")
        cases = [case for case in cases if case.path]
        browser.close()

        result.load_before = os.getloadavg()
        for case in cases:
            if args.only and not any(word.lower() in case.label.lower() for word in args.only):
                continue
            page = measure(case, port, browser.cookies, token, args, proc.pid)
            log(f"{db}: {case.label:40s} p50 {page.p(50):7.1f} ms  p99 {page.p(99):7.1f} ms"
                + (f"  ERRORS {page.errors[:2]}" if page.errors else ""))
            result.pages.append(page)
            if proc.poll() is not None:
                raise RuntimeError("the server died during the run")
        return result
    finally:
        if proc is not None:
            tree |= descendants(proc.pid, all_stats())
            stop_server(proc, tree)
            log(f"{db}: server stopped (exit code {proc.returncode})")
            if proc.returncode not in (0, None) or args.show_server_log:
                with contextlib.suppress(OSError):
                    sys.stderr.write((tmp / "serve.log").read_text(errors="replace")[-4000:])
        if log_file is not None:
            log_file.close()
        if db == "postgres" and not args.keep:
            try:
                pg_drop(PG_BENCH_DB)
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the real error
                log(f"could not drop database {PG_BENCH_DB}: {exc}")
        if args.keep:
            log(f"kept {tmp}" + (f" and database {PG_BENCH_DB}" if db == "postgres" else ""))
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def print_result(r: DbResult, args: argparse.Namespace) -> None:
    print()
    print(f"=== order list on {r.db}: {r.orders} orders (bulk-inserted in {r.fill_s:.0f} s), "
          f"{args.requests} requests/page x {args.clients} client(s) after {args.warmup} warm-up, "
          f"nproc {os.cpu_count()}, load {r.load_before[0]:.2f} ===")
    pg = r.db == "postgres"
    print(f"{'page':42s} {'rows':>4s} {'KB':>5s} {'p50':>7s} {'p90':>7s} {'p99':>7s} {'max':>7s} "
          f"{'web CPU':>8s}{' pg CPU' if pg else ''}  result   (ms; CPU in ms/request)")
    for page in r.pages:
        verdict = "PASS" if page.ok else "FAIL"
        rows = f"{page.rows:4d}" if page.path.startswith("/orders/?") or page.path == "/orders/" or "api" in page.path \
            else "   -"
        print(f"{page.label:42s} {rows} {page.kbytes:5.0f} {page.p(50):7.1f} {page.p(90):7.1f} "
              f"{page.p(99):7.1f} {page.p(100):7.1f} {page.web_ms:8.1f}"
              + (f" {page.pg_ms:6.1f}" if pg else "") + f"  {verdict}")
        for error in sorted(set(page.errors))[:3]:
            print(f"    error: {error}  (path {page.path})")
    failed = [p.label for p in r.pages if not p.ok]
    print(f"  {'PASS' if not failed else 'FAIL'}  p99 < {TARGET_P99_MS:.0f} ms and correct answers on every page"
          + (f" (missed: {', '.join(failed)})" if failed else ""))
    if r.load_before[0] > 0.5 * (os.cpu_count() or 1):
        print(f"  NOTE: the machine was busy (load {r.load_before[0]:.2f}); figures may be noisy")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50, help="measured requests per page and client")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per page and client first")
    parser.add_argument("--clients", type=int, default=1, help="concurrent back-office users per page")
    parser.add_argument("--deep", type=int, default=20, help="how often to follow the next link (default 20)")
    parser.add_argument("--only", action="append", metavar="WORD", help="measure only pages whose label "
                        "contains WORD (repeatable)")
    parser.add_argument("--explain", action="store_true", help="print SQL and plans of the list queries")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for `kontorhaus serve`, e.g. --serve-arg=--workers=2 (repeatable)")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=5000, help="rows per bulk_create batch")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and the PostgreSQL database")
    parser.add_argument("--show-server-log", action="store_true", help="print the tail of the server log")
    parser.add_argument("--_fill", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_explain", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._fill:
        print(json.dumps(fill(args.orders, args.customers, args.seed, args.batch)))
        return 0
    if args._explain:
        explain(args._explain)
        return 0
    if args.clients < 1 or args.requests < 1 or args.orders < PAGE_SIZE * (args.deep + 2):
        parser.error("--clients and --requests must be at least 1, and --orders enough for --deep pages")

    def _terminate(signum, frame):  # SIGTERM: unwind through the finally blocks like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    log(f"nproc {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = []
    try:
        for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
            r = run_one(db, args)
            print_result(r, args)
            results.append(r)
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        return 130
    if len(results) > 1:
        print()
        print(f"{'page':42s} " + " ".join(f"{r.db + ' p50':>12s} {r.db + ' p99':>12s}" for r in results))
        labels = list(dict.fromkeys(p.label for r in results for p in r.pages))
        for label in labels:
            cells = []
            for r in results:
                page = next((p for p in r.pages if p.label == label), None)
                cells.append(f"{page.p(50):12.1f} {page.p(99):12.1f}" if page else f"{'-':>12s} {'-':>12s}")
            print(f"{label:42s} " + " ".join(cells))
    failed = any(not p.ok for r in results for p in r.pages)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
