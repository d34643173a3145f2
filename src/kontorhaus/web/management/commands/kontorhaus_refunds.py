"""`kontorhaus refunds sepa-export [--out FILE]`: put every requested bank refund into one SEPA
credit transfer file (pain.001.001.03) for the bank; they count as sent with it. The file is
stored and written to FILE (or stdout). Nothing to export: exit 0 with a note.

It lives with the web edge because it calls a flow."""

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.refund_settle import refund_sepa_export

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Refunds: export the bank refunds as a SEPA credit transfer file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("sepa-export", help="write the pain.001 file of all requested bank refunds")
        export.add_argument("--out", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"]) if options.get("out") else None
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"--out: folder {out.parent} does not exist", returncode=EXIT_USAGE)
        try:
            export = refund_sepa_export(actor=Actor("cli", getpass.getuser()))
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE)
        if export is None:
            self.stderr.write("no bank refunds to export")
            return
        xml = bytes(export.xml)
        if out is None:
            sys.stdout.buffer.write(xml)
            sys.stdout.flush()
        else:
            out.write_bytes(xml)
        self.stderr.write(f"{export.message_id}: {export.transactions} transfer(s), {export.control_sum} "
                          f"(sha256 {export.sha256}){f' -> {out}' if out else ''}")
