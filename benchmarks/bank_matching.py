"""Bank matching benchmark: a statement of 10,000 credit lines against 50,000 open invoices.

For each database (`--db sqlite|postgres|both`) a child process gets a fresh database (SQLite in
a temp dir, or the PostgreSQL database `kontorhaus_bench_bank` on 127.0.0.1:5432), migrates it,
and bulk-inserts 50,000 orders with their invoices directly with `bulk_create` (not through
order intake, which would take minutes and is measured by `order_intake.py`). The statement
mixes references as customers write them: exact invoice numbers, order numbers written loosely
("au 2026 123"), numbers with one wrong digit, and lines without a number (amount and name only,
or nothing at all). It then times

1. matching alone: loading the open invoices, indexing them and matching every line
   (the issue's target: under 30 s), and
2. the whole import with booking: the flow `bank_statement_import`, which books every confident
   line through `payment_received` and stores the statement, in one transaction.

    .venv/bin/python benchmarks/bank_matching.py --db both
    .venv/bin/python benchmarks/bank_matching.py --db sqlite --invoices 50000 --lines 10000
"""

# ruff: noqa: PLC0415 -- the child process sets Django up before importing models
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "kontorhaus_bench_bank"
TARGET_SECONDS = 30.0


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def parent(args: argparse.Namespace) -> int:
    failed = False
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"), DJANGO_SETTINGS_MODULE="kontorhaus.config.settings")
        with tempfile.TemporaryDirectory(prefix="kh-bank-bench-") as tmp:
            env["KONTORHAUS_VAR"] = tmp
            if db == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            else:
                _pg(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
                _pg(f'CREATE DATABASE "{PG_DB}"')
                env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
            try:
                argv = [sys.executable, __file__, "--child", "--invoices", str(args.invoices),
                        "--lines", str(args.lines)]
                failed |= subprocess.run(argv, env=env, check=False).returncode != 0
            finally:
                if db == "postgres":
                    _pg(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
    return 1 if failed else 0


def _seed(n_invoices: int, rng: random.Random) -> list[tuple[str, str, Decimal, str]]:
    from kontorhaus.billing.models import Invoice
    from kontorhaus.customers.models import Customer
    from kontorhaus.sales.models import SalesOrder

    customer = Customer.objects.create(email="bench@example.com", name="Bench")
    placed = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    first, last = ["Erika", "Max", "Jörg", "Anna", "Lena", "Paul"], ["Mustermann", "Schmidt", "Weiß", "Becker", "Wolf"]
    rows = []
    for i in range(1, n_invoices + 1):
        total = Decimal(rng.randrange(500, 50000)) / 100
        name = f"{rng.choice(first)} {rng.choice(last)} {i}"
        rows.append((f"RE-2026-{i:06d}", f"AU-2026-{i:06d}", total, name))
    address = {"name": "Bench", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"}
    for start in range(0, len(rows), 5000):
        chunk = rows[start:start + 5000]
        SalesOrder.objects.bulk_create([
            SalesOrder(number=order, channel="bench", external_id=order, placed_at=placed, customer=customer,
                       customer_email="bench@example.com", customer_name=name, billing_address=address,
                       shipping_address=address, payment_method="prepayment", tax_strategy="gross",
                       total_net=total, total_vat=Decimal("0"), total_gross=total, balance_due=total)
            for _, order, total, name in chunk
        ])
        Invoice.objects.bulk_create([
            Invoice(number=number, order_number=order, customer_number="KD-BENCH-1", issue_date=placed.date(),
                    delivery_date=placed.date(), currency="EUR", prices_include_vat=True, tax_strategy="gross",
                    payment_method="prepayment", seller={}, buyer={"name": name, "company": ""}, tax_breakdown=[],
                    total_net=total, total_vat=Decimal("0"), total_gross=total)
            for number, order, total, name in chunk
        ])
    return rows


def _typo(seq: int, rng: random.Random) -> str:
    digits = list(f"{seq:06d}")
    pos = rng.randrange(2, 6)
    digits[pos] = str((int(digits[pos]) + rng.randrange(1, 10)) % 10)
    return "".join(digits)


def _statement(rows, n_lines: int, rng: random.Random):
    from kontorhaus.billing.bank.types import ParsedStatement, ParsedTransaction

    picked = rng.sample(range(len(rows)), n_lines)
    kinds = {"exact": 0, "order_loose": 0, "typo": 0, "name_only": 0, "nothing": 0}
    lines = []
    for n, index in enumerate(picked):
        number, order, total, name = rows[index]
        seq = index + 1
        kind = rng.choices(list(kinds), weights=[50, 15, 15, 10, 10])[0]
        kinds[kind] += 1
        text = {"exact": f"Rechnung {number} vielen Dank", "order_loose": f"Bestellung au 2026 {seq}",
                "typo": f"RE-2026-{_typo(seq, rng)}", "name_only": "Danke fuer die schnelle Lieferung",
                "nothing": "Miete Dezember"}[kind]
        amount = total if kind != "nothing" else Decimal("1234.56")
        lines.append(ParsedTransaction(
            entry_key=f"BENCH-{n:06d}", booking_date=dt.date(2026, 11, 27), value_date=None, amount=amount,
            currency="EUR", credit=True, counterparty_name=name.rsplit(" ", 1)[0], remittance=text))
    parsed = ParsedStatement(format="camt.053.001.08", statement_id="BENCH-1", account_iban="DE02120300000000202051",
                             currency="EUR", created_at=None, opening_balance=None, closing_balance=None,
                             transactions=tuple(lines))
    return parsed, kinds


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kontorhaus.billing.bank.matching import Matcher
    from kontorhaus.billing.bank.selectors import invoice_numbers_known, open_invoice_list, referenced_numbers
    from kontorhaus.core.audit import Actor
    from kontorhaus.flows.bank_statement_import import bank_statement_import, match_threshold

    engine = connection.vendor
    call_command("migrate", verbosity=0)
    rng = random.Random(20261127)
    t0 = time.perf_counter()
    rows = _seed(args.invoices, rng)
    print(f"[{engine}] seeded {args.invoices} orders + open invoices (bulk insert) in {time.perf_counter() - t0:.1f} s")
    parsed, kinds = _statement(rows, args.lines, rng)
    print(f"[{engine}] statement: {args.lines} credit lines {kinds}")

    t0 = time.perf_counter()
    open_invoices = open_invoice_list()
    t_load = time.perf_counter() - t0
    texts = [f"{t.remittance} {t.end_to_end_id}" for t in parsed.transactions]
    matcher = Matcher(open_invoices, threshold=match_threshold(),
                      closed_numbers=invoice_numbers_known(numbers=referenced_numbers(texts=texts)))
    t_index = time.perf_counter() - t0 - t_load
    statuses = [matcher.match(t).status for t in parsed.transactions]
    t_match = time.perf_counter() - t0
    print(f"[{engine}] matching: {t_match:.2f} s (load {len(open_invoices)} open invoices {t_load:.2f} s, "
          f"closed-number lookup + index {t_index:.2f} s, match {t_match - t_load - t_index:.2f} s) -> "
          f"booked {statuses.count('booked')}, review {statuses.count('review')}; target < {TARGET_SECONDS:.0f} s: "
          f"{'PASS' if t_match < TARGET_SECONDS else 'FAIL'}")

    t0 = time.perf_counter()
    result = bank_statement_import(statements=[parsed], file_sha256="b" * 64, actor=Actor("system", "bench"))
    t_import = time.perf_counter() - t0
    st = result.statements[0]
    print(f"[{engine}] whole import with booking: {t_import:.2f} s -> booked {st.count('booked')}, "
          f"review {st.count('review')}, ignored {st.count('ignored')}")
    t0 = time.perf_counter()
    again = bank_statement_import(statements=[parsed], file_sha256="b" * 64, actor=Actor("system", "bench"))
    print(f"[{engine}] same statement again: {time.perf_counter() - t0:.2f} s -> "
          f"duplicates {again.statements[0].count('duplicate')}")
    return 0 if t_match < TARGET_SECONDS else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
