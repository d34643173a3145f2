"""Order-intake benchmark: POST /api/v1/orders against `kontorhaus serve`, as users run it.

For each database (`--db sqlite|postgres|both`) it

1. prepares a fresh database (SQLite in a temp dir, or the PostgreSQL database
   `kontorhaus_bench` on 127.0.0.1:5432, created and dropped via psycopg), runs
   `kontorhaus migrate`, creates an API token with `kontorhaus token create`;
2. starts `kontorhaus serve --port PORT` (with the task worker unless `--no-worker`) with
   EMAIL_URL=file://<tmp>/mail, waits for it, and creates the articles (with stock) through
   the REST API;
3. runs `--clients` threads, each with a keep-alive http.client connection, posting realistic
   orders (1-5 lines, unique external ids, Idempotency-Key, mixed payment methods) for
   `--warmup` + `--duration` seconds (or `--orders-per-client` orders after the warm-up);
4. prints orders/s, latency percentiles, errors, and CPU ms per order of the web server
   (gunicorn master + workers), the task worker, PostgreSQL and the benchmark client, read
   from /proc before and after the measured window; PASS/FAIL per target;
5. stops the server with SIGTERM and removes the temp dir / drops the database, also on
   Ctrl-C and errors.

Stdlib only, plus psycopg (from the project's venv) for `--db postgres`. Linux only (/proc).

    .venv/bin/python benchmarks/order_intake.py --db both
    .venv/bin/python benchmarks/order_intake.py --db postgres --clients 8 --duration 20 --check

Exit code 0 unless `--check` is given and a target is missed (then 1).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

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

PG_BENCH_DB = "kontorhaus_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
CLK_TCK = os.sysconf("SC_CLK_TCK")
N_ARTICLES = 50
STOCK_PER_ARTICLE = 1_000_000

# Targets from the issue.
TARGET_WEB_CPU_MS = 20.0
TARGET_ORDERS_PER_S = 80.0
TARGET_P99_MS = 300.0

PAYMENT_METHODS = ["prepayment", "invoice", "paypal", "card", "cod"]
FIRST_NAMES = ["Erika", "Max", "Jonas", "Lea", "Mia", "Paul", "Anna", "Felix", "Sophie", "Lukas", "Marie", "Ben"]
LAST_NAMES = ["Mustermann", "Schmidt", "Müller", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"]
CITIES = [("10115", "Berlin"), ("20095", "Hamburg"), ("80331", "München"), ("50667", "Köln"),
          ("60311", "Frankfurt am Main"), ("70173", "Stuttgart"), ("04109", "Leipzig"), ("01067", "Dresden")]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schulstraße", "Lindenallee", "Kirchplatz"]


# --- /proc accounting -------------------------------------------------------------------------


@dataclass
class CpuSnapshot:
    wall: float
    web: int = 0          # gunicorn master + workers
    worker: int = 0       # kontorhaus worker process tree
    supervisor: int = 0   # the `kontorhaus serve` process itself
    pg_all: int = 0       # every postgres process on the machine
    pg_bench: int = 0     # backends connected to the bench database
    client: float = 0.0   # this benchmark process, seconds
    web_pids: tuple[int, ...] = ()


def cpu_snapshot(serve_pid: int) -> CpuSnapshot:
    stats = all_stats()
    snap = CpuSnapshot(wall=time.monotonic())
    tree = descendants(serve_pid, stats)
    web_roots, worker_roots = [], []
    for pid in tree:
        if stats[pid].ppid != serve_pid:
            continue
        cmd = cmdline(pid)
        if "gunicorn" in cmd:
            web_roots.append(pid)
        elif "worker" in cmd:
            worker_roots.append(pid)
    web = set().union(*(descendants(p, stats) for p in web_roots)) if web_roots else set()
    worker = set().union(*(descendants(p, stats) for p in worker_roots)) if worker_roots else set()
    snap.web = sum(stats[p].ticks for p in web)
    snap.worker = sum(stats[p].ticks for p in worker)
    snap.supervisor = stats[serve_pid].ticks if serve_pid in stats else 0
    # The supervisor's cutime only grows when a child is reaped; ignore that (children run to the end).
    snap.web_pids = tuple(sorted(web))
    for st in stats.values():
        if st.comm == "postgres" or st.comm.startswith("postgres"):
            snap.pg_all += st.ticks
            if f" {PG_BENCH_DB} " in cmdline(st.pid) + " ":
                snap.pg_bench += st.ticks
    usage = resource.getrusage(resource.RUSAGE_SELF)
    snap.client = usage.ru_utime + usage.ru_stime
    return snap


# --- database preparation ---------------------------------------------------------------------


def pg_create() -> None:
    pg_drop(PG_BENCH_DB)
    pg_admin(f'CREATE DATABASE "{PG_BENCH_DB}"')


def db_query(db: str, var_dir: Path, sql: str) -> list[tuple]:
    if db == "sqlite":
        with contextlib.closing(sqlite3.connect(var_dir / "bench.sqlite3", timeout=30)) as conn:
            return conn.execute(sql).fetchall()
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}", connect_timeout=5) as conn:
        return conn.execute(sql).fetchall()


# --- HTTP -------------------------------------------------------------------------------------


class Api:
    def __init__(self, port: int, token: str, timeout: float = 60):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                payload = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, payload
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_until_up(port: int, token: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    api = Api(port, token, timeout=5)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`kontorhaus serve` exited with code {proc.returncode} before answering")
        try:
            status, _ = api.request("GET", "/api/v1/articles?kind=service")
            if status == 200:
                api.close()
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def create_articles(port: int, token: str, rng: random.Random) -> list[tuple[str, str]]:
    api = Api(port, token)
    articles = []
    for i in range(1, N_ARTICLES + 1):
        sku = f"BENCH-{i:03d}"
        price = f"{rng.choice([4, 9, 12, 19, 24, 29, 49, 79, 129])}.{rng.choice(['00', '50', '90', '95', '99'])}"
        vat_class = "reduced" if i % 5 == 0 else "standard"
        status, body = api.request("POST", "/api/v1/articles", {
            "sku": sku, "name": f"Benchmark-Artikel {i}", "price_gross": price, "kind": "physical",
            "vat_class": vat_class, "weight_grams": rng.randint(50, 3000),
        })
        if status != 201:
            raise RuntimeError(f"POST /api/v1/articles -> {status}: {body[:500]!r}")
        status, body = api.request("POST", f"/api/v1/articles/{sku}/stock-adjustments", {
            "quantity": STOCK_PER_ARTICLE, "reason": "receipt", "note": "benchmark stock",
        })
        if status != 201:
            raise RuntimeError(f"POST /api/v1/articles/{sku}/stock-adjustments -> {status}: {body[:500]!r}")
        articles.append((sku, price))
    api.close()
    return articles


# --- load -------------------------------------------------------------------------------------


def order_body(rng: random.Random, articles: list[tuple[str, str]], external_id: str) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{first} {last}"
    customer_no = rng.randint(1, 2000)  # repeat customers: upsert hits existing and new rows
    postal_code, city = rng.choice(CITIES)
    address = {"name": name, "company": None, "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
               "postal_code": postal_code, "city": city, "country": "DE"}
    lines = [{"sku": sku, "quantity": rng.randint(1, 3), "unit_price": price}
             for sku, price in rng.sample(articles, rng.randint(1, 5))]
    method = rng.choice(PAYMENT_METHODS)
    body = {
        "channel": "webshop",
        "external_id": external_id,
        "placed_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "currency": "EUR",
        "prices_include_vat": True,
        "language": rng.choice(["de", "de", "de", "en"]),
        "customer": {"email": f"kunde{customer_no}@example.com", "name": name, "company": None,
                     "vat_id": None, "phone": None},
        "billing_address": address,
        "lines": lines,
        "shipping": {"method": "dhl-paket", "price": rng.choice(["0.00", "4.90", "5.90"])},
        "payment": {"method": method, "paid": method in ("paypal", "card")},
        "require_stock": False,
    }
    if rng.random() < 0.2:
        body["shipping_address"] = {**address, "name": f"{rng.choice(FIRST_NAMES)} {last}",
                                    "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}"}
    return body


@dataclass
class Sample:
    end: float
    latency: float
    status: int


@dataclass
class ClientState:
    samples: list[Sample] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    exceptions: int = 0
    measured_orders: int = 0


class Load:
    def __init__(self, port: int, token: str, articles: list[tuple[str, str]], clients: int,
                 orders_per_client: int | None, seed: int):
        self.port, self.token, self.articles = port, token, articles
        self.orders_per_client = orders_per_client
        self.stop = threading.Event()
        self.measuring = threading.Event()
        self.run_id = uuid.uuid4().hex[:8]
        self.states = [ClientState() for _ in range(clients)]
        self.threads = [threading.Thread(target=self._client, args=(i, random.Random(seed + i)), daemon=True,
                                         name=f"client-{i}") for i in range(clients)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def _client(self, index: int, rng: random.Random) -> None:
        api = Api(self.port, self.token)
        state = self.states[index]
        n = 0
        try:
            while not self.stop.is_set():
                if (self.orders_per_client is not None and self.measuring.is_set()
                        and state.measured_orders >= self.orders_per_client):
                    break
                n += 1
                body = order_body(rng, self.articles, f"bench-{self.run_id}-{index}-{n}")
                measuring = self.measuring.is_set()
                t0 = time.monotonic()
                try:
                    status, payload = api.request("POST", "/api/v1/orders", body,
                                                  {"Idempotency-Key": str(uuid.uuid4())})
                except OSError as exc:
                    state.exceptions += 1
                    if len(state.error_samples) < 3:
                        state.error_samples.append(f"{type(exc).__name__}: {exc}")
                    time.sleep(0.05)
                    continue
                t1 = time.monotonic()
                state.samples.append(Sample(t1, t1 - t0, status))
                if measuring:
                    state.measured_orders += 1
                if status != 201 and len(state.error_samples) < 3:
                    state.error_samples.append(f"HTTP {status}: {payload[:300].decode(errors='replace')}")
        finally:
            api.close()

    def alive(self) -> bool:
        return any(t.is_alive() for t in self.threads)

    def join(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.1, deadline - time.monotonic()))


# --- one run ----------------------------------------------------------------------------------


@dataclass
class Result:
    db: str
    clients: int
    window_s: float = 0.0
    orders: int = 0
    orders_per_s: float = 0.0
    p50: float = 0.0
    p90: float = 0.0
    p99: float = 0.0
    max: float = 0.0
    errors: int = 0
    exceptions: int = 0
    error_samples: list[str] = field(default_factory=list)
    web_ms: float = 0.0
    worker_ms: float = 0.0
    supervisor_ms: float = 0.0
    pg_ms: float = 0.0
    pg_bench_ms: float = 0.0
    client_ms: float = 0.0
    web_cpu_util: float = 0.0
    tasks_ready_end: str = ""
    emails_end: str = ""
    load_before: tuple[float, float, float] = (0, 0, 0)
    load_after: tuple[float, float, float] = (0, 0, 0)
    web_procs: int = 0

    def targets(self) -> list[tuple[str, bool]]:
        return [
            (f"web-server CPU <= {TARGET_WEB_CPU_MS:.0f} ms/order", self.web_ms <= TARGET_WEB_CPU_MS),
            (f"throughput >= {TARGET_ORDERS_PER_S:.0f} orders/s (at 8 clients)",
             self.orders_per_s >= TARGET_ORDERS_PER_S),
            (f"p99 latency < {TARGET_P99_MS:.0f} ms", self.p99 < TARGET_P99_MS),
            ("no errors", self.errors == 0 and self.exceptions == 0),
        ]


def run_one(db: str, args: argparse.Namespace) -> Result:
    tmp = Path(tempfile.mkdtemp(prefix=f"kh-bench-{db}-"))
    env = dict(os.environ)
    env.update({
        "KONTORHAUS_VAR": str(tmp),
        "EMAIL_URL": f"file://{tmp / 'mail'}",
        "DJANGO_SETTINGS_MODULE": "kontorhaus.config.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}" if db == "sqlite" else PG_URL,
    })
    (tmp / "mail").mkdir()
    if env.get("DEBUG") == "1":
        log("WARNING: DEBUG=1 in the environment; figures are not representative")
    proc: subprocess.Popen | None = None
    tree: set[int] = set()
    log_file = None
    result = Result(db=db, clients=args.clients)
    try:
        if db == "postgres":
            pg_create()
        log(f"{db}: migrate")
        run_cli(env, "migrate")
        token = run_cli(env, "token", "create", "--name", "bench").strip().splitlines()[-1].strip()
        if not token.startswith("kh_"):
            raise RuntimeError(f"unexpected output of `kontorhaus token create`: {token!r}")
        port = args.port or free_port()
        serve_argv = [kontorhaus_bin(), "serve", "--port", str(port), *args.serve_arg]
        if args.no_worker:
            serve_argv.append("--no-worker")
        log(f"{db}: starting {' '.join(serve_argv[1:])}")
        log_file = open(tmp / "serve.log", "wb")  # noqa: SIM115 - closed in finally
        proc = subprocess.Popen(serve_argv, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=tmp)
        wait_until_up(port, token, proc)
        tree = descendants(proc.pid, all_stats())
        rng = random.Random(args.seed)
        articles = create_articles(port, token, rng)
        log(f"{db}: {len(articles)} articles with stock; {args.clients} clients, warm-up {args.warmup} s, "
            + (f"{args.orders_per_client} orders/client" if args.orders_per_client else f"{args.duration} s"))

        load = Load(port, token, articles, args.clients, args.orders_per_client, args.seed * 1000)
        load.start()
        time.sleep(args.warmup)
        result.load_before = os.getloadavg()
        before = cpu_snapshot(proc.pid)
        load.measuring.set()
        if args.orders_per_client:
            while load.alive():
                time.sleep(0.05)
                if proc.poll() is not None:
                    raise RuntimeError("the server died during the run")
        else:
            deadline = before.wall + args.duration
            while time.monotonic() < deadline:
                time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
                if proc.poll() is not None:
                    raise RuntimeError("the server died during the run")
        after = cpu_snapshot(proc.pid)
        result.load_after = os.getloadavg()
        load.stop.set()
        load.join()
        tree |= descendants(proc.pid, all_stats())

        window = after.wall - before.wall
        samples = [s for st in load.states for s in st.samples if before.wall < s.end <= after.wall]
        ok = sorted(s.latency * 1000 for s in samples if s.status == 201)
        all_lat = sorted(s.latency * 1000 for s in samples)
        result.window_s = window
        result.orders = len(ok)
        result.orders_per_s = len(ok) / window if window else 0.0
        result.p50, result.p90, result.p99 = (percentile(all_lat, p) for p in (50, 90, 99))
        result.max = all_lat[-1] if all_lat else float("nan")
        result.errors = sum(1 for s in samples if s.status != 201)
        result.exceptions = sum(st.exceptions for st in load.states)
        result.error_samples = [e for st in load.states for e in st.error_samples][:5]
        per_order = 1000 / max(1, result.orders) / CLK_TCK  # ticks -> ms per order
        result.web_ms = (after.web - before.web) * per_order
        result.worker_ms = (after.worker - before.worker) * per_order
        result.supervisor_ms = (after.supervisor - before.supervisor) * per_order
        result.pg_ms = (after.pg_all - before.pg_all) * per_order if db == "postgres" else 0.0
        result.pg_bench_ms = (after.pg_bench - before.pg_bench) * per_order if db == "postgres" else 0.0
        result.client_ms = (after.client - before.client) * 1000 / max(1, result.orders)
        result.web_cpu_util = (after.web - before.web) / CLK_TCK / window if window else 0.0
        result.web_procs = len(after.web_pids)
        with contextlib.suppress(Exception):
            rows = db_query(db, tmp, "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult "
                                     "GROUP BY status ORDER BY status")
            result.tasks_ready_end = ", ".join(f"{s}={n}" for s, n in rows)
        with contextlib.suppress(Exception):
            rows = db_query(db, tmp, "SELECT status, COUNT(*) FROM notifications_outgoingemail "
                                     "GROUP BY status ORDER BY status")
            result.emails_end = ", ".join(f"{s}={n}" for s, n in rows)
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
        if db == "postgres":
            try:
                pg_drop(PG_BENCH_DB)
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the real error
                log(f"could not drop database {PG_BENCH_DB}: {exc}")
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def print_result(r: Result) -> None:
    ms = lambda v: f"{v:8.1f}"  # noqa: E731
    print()
    print(f"=== order intake on {r.db}: {r.clients} clients, {r.window_s:.1f} s measured, "
          f"nproc {os.cpu_count()}, load {r.load_before[0]:.2f} -> {r.load_after[0]:.2f} "
          f"(1/5/15 min after: {' '.join(f'{x:.2f}' for x in r.load_after)}) ===")
    print(f"  orders                        {r.orders:8d}")
    print(f"  orders/s                      {r.orders_per_s:8.1f}")
    print(f"  latency ms p50 / p90 / p99 / max  {r.p50:.1f} / {r.p90:.1f} / {r.p99:.1f} / {r.max:.1f}")
    print(f"  errors (non-201)              {r.errors:8d}   connection errors {r.exceptions}")
    for sample in r.error_samples:
        print(f"    e.g. {sample}")
    print(f"  >>> server CPU ms/order (web) {ms(r.web_ms)}   "
          f"({r.web_procs} gunicorn processes, {r.web_cpu_util:.2f} cores busy)")
    print(f"  task worker CPU ms/order      {ms(r.worker_ms)}")
    print(f"  postgres CPU ms/order (all)   {ms(r.pg_ms)}   (bench backends only: {r.pg_bench_ms:.1f})")
    print(f"  serve supervisor CPU ms/order {ms(r.supervisor_ms)}")
    print(f"  benchmark client CPU ms/order {ms(r.client_ms)}")
    if r.tasks_ready_end:
        print(f"  tasks at the end              {r.tasks_ready_end}")
    if r.emails_end:
        print(f"  e-mails at the end            {r.emails_end}")
    for name, ok in r.targets():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if r.load_before[0] > 0.5 * (os.cpu_count() or 1):
        print(f"  NOTE: the machine was busy before the run (load {r.load_before[0]:.2f}); figures may be noisy")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring (default 3)")
    parser.add_argument("--orders-per-client", type=int, help="measure this many orders per client instead of "
                        "--duration")
    parser.add_argument("--no-worker", action="store_true", help="start `kontorhaus serve --no-worker`")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for `kontorhaus serve`, e.g. --serve-arg=--workers=2 (repeatable)")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, mail, serve.log)")
    parser.add_argument("--show-server-log", action="store_true", help="print the tail of the server log")
    args = parser.parse_args(argv)
    if args.clients < 1:
        parser.error("--clients must be at least 1")

    # SIGTERM to the benchmark: unwind through the finally blocks like Ctrl-C.
    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started in the background

    log(f"nproc {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = []
    try:
        for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
            r = run_one(db, args)
            print_result(r)
            results.append(r)
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        return 130
    if len(results) > 1:
        print()
        print("db        orders/s   p50 ms   p99 ms   web ms/order   worker ms/order   pg ms/order   errors")
        for r in results:
            print(f"{r.db:8s} {r.orders_per_s:9.1f} {r.p50:8.1f} {r.p99:8.1f} {r.web_ms:14.1f} "
                  f"{r.worker_ms:17.1f} {r.pg_ms:13.1f} {r.errors + r.exceptions:8d}")
    failed = any(not ok for r in results for _, ok in r.targets())
    if args.check and failed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
