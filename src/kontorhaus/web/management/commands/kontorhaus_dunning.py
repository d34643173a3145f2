"""`kontorhaus dunning run [--dry-run] [--date YYYY-MM-DD]`: send the payment reminders that are
due (or, with --dry-run, show them and send nothing).

It lives with the web edge because it calls a flow (billing, below the flows, may not)."""

import datetime as dt
import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core import clock, formatting
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.dunning_run import DunningPlan, dunning_run

EXIT_USAGE = 2
ACTIONS = {"remind": "reminder", "cancel": "cancel", "keep": "partially paid: not cancelled, check by hand"}


def _money(amount: Any, currency: str) -> str:
    return formatting.money(amount, currency, "en")


class Command(BaseCommand):
    help = "Payment reminders for overdue invoices and unpaid prepayment orders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="send the reminders that are due today")
        run.add_argument("--dry-run", action="store_true", help="show what would be sent; send and store nothing")
        run.add_argument("--date", help="the run's date, YYYY-MM-DD (default: today; future dates only with --dry-run)")

    def handle(self, *args: Any, **options: Any) -> None:
        on = self._date(options.get("date"))
        try:
            plan = dunning_run(on=on, actor=Actor("cli", getpass.getuser()), dry_run=options["dry_run"])
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE)
        self._report(plan)
        if plan.failed:
            raise CommandError(f"{len(plan.failed)} reminder(s) failed; see above")

    def _date(self, value: str | None) -> dt.date:
        if not value:
            return clock.today()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date: {value!r} is not a date (YYYY-MM-DD)", returncode=EXIT_USAGE)

    def _report(self, plan: DunningPlan) -> None:
        write = self.stdout.write
        verb = "would be sent (dry run: nothing was stored or sent)" if plan.dry_run else "due"
        write(f"Dunning run for {plan.on.isoformat()}: {len(plan.notices)} reminder(s) {verb}")
        if plan.notices:
            write(f"  {'invoice':<16} {'customer':<30} {'level':>5} {'amount due':>14} {'fee':>10}")
            for due in plan.notices:
                cur = due.invoice.currency
                write(f"  {due.invoice.number:<16} {due.customer[:30]:<30} {due.level.level:>5} "
                      f"{_money(due.amount_due, cur):>14} {_money(due.fee, cur):>10}")
        write(f"Prepayment orders: {len(plan.prepayment)}")
        if plan.prepayment:
            write(f"  {'order':<16} {'customer':<30} {'amount due':>14}  action")
            for item in plan.prepayment:
                order = item.order
                write(f"  {order.number:<16} {order.customer_name[:30]:<30} "
                      f"{_money(item.amount_due, order.currency):>14}  {ACTIONS[item.action]}")
        if plan.dry_run:
            return
        write(f"Done: {len(plan.done)}" + (f" ({', '.join(plan.done)})" if plan.done else ""))
        if plan.skipped:
            write(f"No longer due: {', '.join(plan.skipped)}")
        for reference, error in plan.failed:
            self.stderr.write(f"Failed: {reference}: {error}")
