"""`kontorhaus export datev --from YYYY-MM-DD --to YYYY-MM-DD [--chart skr03|skr04] [--out FILE]`:
the DATEV Buchungsstapel (EXTF 700) of the invoices and credit notes issued in the period,
stored as an export and written to FILE (default EXTF_Buchungsstapel_<from>_<to>.csv here).

Prints the file, the number of documents and bookings, and when and by whom the period was
exported before. Bad input (dates, a period in the future or over two fiscal years, settings):
exit 2 with the reason, nothing stored. A period without documents: exit 0 with a note."""

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kontorhaus.billing.datev.selectors import datev_export_overlapping_list
from kontorhaus.billing.datev.services import NothingToExport, datev_export_create, datev_period_parse
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "DATEV export: the Buchungsstapel (EXTF 700) of the invoices and credit notes of a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--chart", help="skr03 or skr04 (default: settings)")
        parser.add_argument("--out", help="file to write (default: EXTF_Buchungsstapel_<from>_<to>.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            date_from, date_to = datev_period_parse(date_from=options["date_from"], date_to=options["date_to"])
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE)
        out = Path(options["out"] or f"EXTF_Buchungsstapel_{date_from:%Y%m%d}_{date_to:%Y%m%d}.csv")
        if not out.parent.is_dir():
            raise CommandError(f"--out: folder {out.parent} does not exist", returncode=EXIT_USAGE)
        if out.is_dir():
            raise CommandError(f"--out: {out} is a folder", returncode=EXIT_USAGE)
        try:
            export = datev_export_create(date_from=date_from, date_to=date_to, chart=options.get("chart"),
                                         actor=Actor("cli", getpass.getuser()))
        except NothingToExport as exc:
            self.stderr.write(f"{exc.message}; nothing written")
            return
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE)
        out.write_bytes(bytes(export.content))
        self.stdout.write(str(out))
        self.stderr.write(f"{export.documents} document(s), {export.bookings} booking(s), "
                          f"{export.chart.upper()}, sha256 {export.sha256}")
        earlier = datev_export_overlapping_list(date_from=date_from, date_to=date_to, exclude=export)
        if not earlier:
            self.stderr.write("period not exported before")
        for other in earlier:
            self.stderr.write(f"already exported: {other.date_from} to {other.date_to} ({other.chart.upper()}) "
                              f"on {timezone.localtime(other.created_at):%Y-%m-%d %H:%M} by {other.created_by}")
