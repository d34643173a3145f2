"""`kontorhaus stock …`: stock control from the shell.

  export-csv --date YYYY-MM-DD [--warehouse CODE] [--output FILE]   stock on hand as of a day (CSV)
  count --warehouse CODE --file FILE [--note TEXT]                  book a count: CSV sku;bin;counted[;expected]
  low                                                               articles at their reorder point
  ledger SKU                                                        an article's moves with running balance

Bad input exits non-zero naming the line; a count is booked all or nothing. It lives with the web
edge because `count` calls a flow."""

import csv
import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.catalog.selectors import article_get
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.stock_counted import stock_counted
from kontorhaus.inventory.selectors import articles_at_reorder_point
from kontorhaus.inventory.selectors_stock import bin_get, stock_csv_write, stock_ledger, warehouse_get
from kontorhaus.inventory.services_counts import CountLine

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Stock control: CSV as of a day, counts, low stock, the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export-csv", help="stock on hand per article and bin at the end of a day")
        export.add_argument("--date", required=True, help="YYYY-MM-DD")
        export.add_argument("--warehouse", default="")
        export.add_argument("--output", default="-", help="file (default: standard output)")
        count = sub.add_parser("count", help="book a count from a CSV file: sku;bin;counted[;expected]")
        count.add_argument("--warehouse", required=True)
        count.add_argument("--file", required=True)
        count.add_argument("--note", default="")
        sub.add_parser("low", help="articles at or below their reorder point")
        ledger = sub.add_parser("ledger", help="an article's moves with the running balance")
        ledger.add_argument("sku")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE) from None

    def _export_csv(self, options: dict) -> None:
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not YYYY-MM-DD", returncode=EXIT_USAGE) from None
        warehouse = warehouse_get(code=options["warehouse"]) if options["warehouse"] else None
        if options["output"] == "-":
            stock_csv_write(sys.stdout, day=day, warehouse=warehouse)
            return
        with Path(options["output"]).open("w", newline="", encoding="utf-8") as out:
            rows = stock_csv_write(out, day=day, warehouse=warehouse)
        self.stdout.write(f"{rows} row(s) written to {options['output']}")

    def _count(self, options: dict) -> None:
        warehouse = warehouse_get(code=options["warehouse"])
        lines = []
        try:
            with Path(options["file"]).open(encoding="utf-8-sig", newline="") as handle:
                for number, row in enumerate(csv.reader(handle, delimiter=";"), start=1):
                    if not row or row[0].strip().lower() == "sku":
                        continue
                    lines.append(self._line(number, row, warehouse))
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}", returncode=EXIT_USAGE) from None
        result = stock_counted(lines=lines, note=options["note"], actor=Actor("cli", getpass.getuser()))
        for d in result.differences:
            if d["difference"]:
                self.stdout.write(f"{d['location']}\t{d['sku']}\t{d['expected']} -> {d['counted']}\t"
                                  f"{d['difference']:+d}")
        for taken in result.taken_back:
            self.stdout.write(f"backordered: {taken.order_number} line {taken.line_position}: {taken.quantity}")
        self.stdout.write(f"{len(lines)} line(s) counted")

    def _line(self, number: int, row: list[str], warehouse: Any) -> CountLine:
        try:
            sku, label, counted = (cell.strip() for cell in row[:3])
            expected = int(row[3]) if len(row) > 3 and row[3].strip() else None
            return CountLine(article_get(sku=sku), bin_get(warehouse=warehouse, label=label), int(counted), expected)
        except (ValueError, DomainError) as exc:
            message = getattr(exc, "message", "expected sku;bin;counted[;expected] with whole numbers")
            raise CommandError(f"line {number}: {message}", returncode=EXIT_USAGE) from None

    def _low(self, options: dict) -> None:
        for row in articles_at_reorder_point():
            self.stdout.write(f"{row.article.sku}\tavailable {row.available}\treorder point {row.reorder_point}\t"
                              f"to reorder {row.shortfall}")

    def _ledger(self, options: dict) -> None:
        for row in stock_ledger(article=article_get(sku=options["sku"])):
            move = row.move
            self.stdout.write(f"{move.occurred_at:%Y-%m-%d %H:%M}\t{move.reason}\t{move.from_location.code} -> "
                              f"{move.to_location.code}\t{move.quantity}\t{row.change:+d}\t{row.balance}")
