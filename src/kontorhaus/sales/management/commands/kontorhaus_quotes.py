"""`kontorhaus quotes expire`: every draft or sent quote past its validity date becomes
"expired" (run it daily, e.g. from cron beside `kontorhaus dunning run`). Accepting a quote
past its date is refused anyway; this makes the list say so."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kontorhaus.core.audit import SYSTEM
from kontorhaus.sales.services_quotes import quotes_expire_due


class Command(BaseCommand):
    help = "Quotes: mark the quotes past their validity date as expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["expire"])

    def handle(self, *args: Any, **options: Any) -> None:
        expired = quotes_expire_due(actor=SYSTEM)
        self.stdout.write(f"{expired} quote(s) expired")
