"""`kontorhaus vat-rates import FILE | show [--country XX]`: the EU VAT rate table."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.selectors import vat_rate_table
from kontorhaus.core.services import MAX_RATE_FILE, vat_rate_table_import

ACTOR = Actor("cli", "vat-rates")


class Command(BaseCommand):
    help = "Import or show the EU VAT rate table."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imports = sub.add_parser("import", help="replace the rate table with a JSON file")
        imports.add_argument("file")
        show = sub.add_parser("show", help="print the rates in force today")
        show.add_argument("--country", default="", help="one country (ISO code)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(Path(options["file"]))
        else:
            self._show(options.get("country") or "")

    def _import(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_RATE_FILE:
                raise CommandError(f"{path}: the rate file may be at most 2 MB")
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            result = vat_rate_table_import(raw=raw, actor=ACTOR)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from None
        self.stdout.write(f"Imported {result.rows} rates of {result.countries} countries.")
        for skipped in result.skipped:
            self.stdout.write(f"  not imported (several rates or none verified): {skipped}")

    def _show(self, country: str) -> None:
        rows = vat_rate_table(on=clock.today(), country=country)
        if not rows:
            raise CommandError(f"no rates for {country!r}" if country else "the rate table is empty")
        self.stdout.write(f"Rates in force on {clock.today().isoformat()} (table as of {rows[0].source or '?'}):")
        for row in rows:
            standard = f"{row.standard} %" if row.standard is not None else "-"
            categories = ", ".join(f"{name} {rate} %" for name, rate in sorted(row.categories.items()))
            self.stdout.write(f"{row.country}  standard {standard}" + (f"  ({categories})" if categories else ""))
