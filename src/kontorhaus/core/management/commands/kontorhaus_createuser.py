"""`kontorhaus createuser`: a back-office login (the CLI asks for the password)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.services import user_create


class Command(BaseCommand):
    help = "Create a back-office user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_create(username=options["username"], password=options["password"],
                               superuser=options["superuser"])
        except DomainError as exc:
            raise CommandError(exc.message)
        kind = "superuser" if user.is_superuser else "user"
        self.stdout.write(f"Created {kind} {user.get_username()!r}.")
