"""`kontorhaus token create|list|revoke`: API bearer tokens from the command line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.timezone import localtime

from kontorhaus.api.selectors import api_token_get, api_token_list
from kontorhaus.api.services import api_token_create, api_token_revoke
from kontorhaus.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke API bearer tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("--name", help="the token's name (create, revoke)")

    def handle(self, *args: Any, **options: Any) -> None:
        action, name = options["action"], options["name"]
        if action in ("create", "revoke") and not name:
            raise CommandError(f"token {action} needs --name NAME")
        try:
            if action == "create":
                self._create(name)
            elif action == "revoke":
                token = api_token_revoke(token=api_token_get(name=name))
                self.stdout.write(f"Revoked token {token.name!r} ({token.prefix}…).")
            else:
                self._list()
        except DomainError as exc:
            raise CommandError(exc.message)

    def _create(self, name: str) -> None:
        token, plaintext = api_token_create(name=name)
        self.stdout.write(plaintext)
        self.stderr.write(
            f"Created token {token.name!r}. It is shown only this once; send it as "
            f"'Authorization: Bearer <token>'."
        )

    def _list(self) -> None:
        tokens = list(api_token_list())
        if not tokens:
            self.stdout.write("No API tokens. Create one with: kontorhaus token create --name NAME")
            return
        rows = [("NAME", "PREFIX", "CREATED", "LAST USED", "STATUS")]
        for t in tokens:
            rows.append((
                t.name,
                t.prefix + "…",
                f"{localtime(t.created_at):%Y-%m-%d %H:%M}",
                f"{localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at else "never",
                f"revoked {localtime(t.revoked_at):%Y-%m-%d}" if t.revoked_at else "active",
            ))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
