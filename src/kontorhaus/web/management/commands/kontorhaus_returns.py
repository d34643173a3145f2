"""`kontorhaus returns list [--status open|all|<status>] [--search TEXT]`: the returns, one a line.
`kontorhaus returns receive CODE`: the return named by its RMA number, its label's tracking
number or its order number (one waiting return) counts as received.
`kontorhaus returns deadlines`: alert the withdrawals whose 14-day refund deadline is near (the
worker does this with its sweeps too) and list every one due or overdue; exit 1 when one is overdue.

It lives with the web edge because it calls flows. Bad input: a message and exit 2, nothing changed."""

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.return_received import return_goods_received, return_scanned
from kontorhaus.returns.selectors import ReturnFilter, return_list, withdrawals_refund_due
from kontorhaus.returns.services_deadlines import withdrawal_deadline_alert

EXIT_USAGE = 2
EXIT_OVERDUE = 1
LIST_LIMIT = 1000


class Command(BaseCommand):
    help = "Returns: list them, receive one by scanning its code, check the refund deadlines of withdrawals."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the returns, newest first")
        listing.add_argument("--status", default="open", help="open (default), all, or one status")
        listing.add_argument("--search", default="", help="return or order number, customer name")
        receive = sub.add_parser("receive", help="mark a return received: RMA number, label or order number")
        receive.add_argument("code")
        sub.add_parser("deadlines", help="alert and list withdrawals whose refund is due soon or overdue")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor("cli", getpass.getuser())
        try:
            if options["action"] == "list":
                self._list(options["status"], options["search"])
            elif options["action"] == "receive":
                self._receive(options["code"], actor)
            else:
                self._deadlines(actor)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE)

    def _list(self, status: str, search: str) -> None:
        if len(status) > 20 or len(search) > 64 or "\x00" in search:
            raise CommandError("--status or --search is too long", returncode=EXIT_USAGE)
        rows = return_list(filters=ReturnFilter(status=status, search=search))[:LIST_LIMIT]
        for r in rows:
            self.stdout.write(f"{r.number}\t{r.status}\t{r.order.number if r.order else '-'}\t"
                              f"{r.registered_at:%Y-%m-%d}\t{r.line_count}\t{r.refund_total}\t{r.customer_name}")

    def _receive(self, code: str, actor: Actor) -> None:
        if "\x00" in code:
            raise CommandError("not a code", returncode=EXIT_USAGE)
        found = return_scanned(code=code)
        received = return_goods_received(request=found, actor=actor)
        self.stdout.write(f"{received.number}: {received.status}")

    def _deadlines(self, actor: Actor) -> None:
        alerted = {w.pk for w in withdrawal_deadline_alert(actor=actor)}
        today, overdue = clock.today(), 0
        for w in withdrawals_refund_due():
            late = w.refund_due_on < today
            overdue += late
            self.stdout.write(f"{w.order.number}\t{w.refund_due_on}\t{'OVERDUE' if late else 'due'}"
                              f"{chr(9) + 'alerted now' if w.pk in alerted else ''}")
        if overdue:
            raise CommandError(f"{overdue} withdrawal(s) past the refund deadline", returncode=EXIT_OVERDUE)
