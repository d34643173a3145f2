"""`kontorhaus import bank FILE [--dry-run]`: import a camt.053 or MT940 bank statement.

It lives with the web edge because it calls a flow (billing, below the flows, may not)."""

import getpass
import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.billing.bank.parsing import StatementFormatError, parse_statement
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.bank_statement_import import DUPLICATE, ImportResult, bank_statement_import


class Command(BaseCommand):
    help = "Import a bank statement (camt.053 or MT940): book matched payments, park the rest for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the statement file")
        parser.add_argument("--dry-run", action="store_true", help="match and report, store nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}")
        try:
            statements = parse_statement(data, filename=path.name)
            result = bank_statement_import(statements=statements, file_sha256=hashlib.sha256(data).hexdigest(),
                                           actor=Actor("cli", getpass.getuser()), dry_run=options["dry_run"])
        except StatementFormatError as exc:
            raise CommandError(f"{exc} — nothing was imported")
        except DomainError as exc:
            raise CommandError(exc.message)
        self._report(result)

    def _report(self, result: ImportResult) -> None:
        if result.dry_run:
            self.stdout.write("Dry run: nothing was stored.")
        for st in result.statements:
            self.stdout.write(f"Statement {st.statement_id} ({st.account_iban}, {st.format}): {len(st.lines)} lines")
            booked = [line for line in st.lines if line.status == "booked"]
            invoices = ", ".join(n for line in booked for n in line.invoices)
            self.stdout.write(f"  booked:     {len(booked)}" + (f"  ({invoices})" if invoices else ""))
            self.stdout.write(f"  review:     {st.count('review')}")
            self.stdout.write(f"  ignored:    {st.count('ignored')}")
            self.stdout.write(f"  duplicates: {st.count(DUPLICATE)}")
