"""`kontorhaus demo`: load demo data (company, user demo/demo, articles, customers, orders)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kontorhaus.core.exceptions import DomainError
from kontorhaus.core.services import company_profile_create_once
from kontorhaus.demo.company import DEMO_COMPANY
from kontorhaus.demo.loader import DemoOptions, demo_load, demo_orders_exist

DEFAULTS = DemoOptions()


class Command(BaseCommand):
    help = "Load demo data into an empty database: articles, customers, orders and the login demo/demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing (and say so) if there are orders already; for `make run`")
        parser.add_argument("--orders", type=int, default=DEFAULTS.orders,
                            help="orders over the last 90 days (default: %(default)s)")
        parser.add_argument("--customers", type=int, default=DEFAULTS.customers,
                            help="customers (default: %(default)s)")
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed,
                            help="random seed; the same seed gives the same data (default: %(default)s)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_orders_exist():
            self.stdout.write("There are orders already; no demo data loaded.")
            return
        # call_command(..., orders=None) passes None through: treat it as "not given".
        demo = DemoOptions(
            orders=DEFAULTS.orders if options["orders"] is None else options["orders"],
            customers=DEFAULTS.customers if options["customers"] is None else options["customers"],
            seed=DEFAULTS.seed if options["seed"] is None else options["seed"],
        )
        self.stdout.write(f"Loading demo data: {demo.orders} orders, {demo.customers} customers (seed {demo.seed}) ...")
        try:
            with transaction.atomic():  # all or nothing, so `--if-empty` tries again after a failure
                company_profile_create_once(data=DEMO_COMPANY)
                summary = demo_load(options=demo)
        except DomainError as exc:
            raise CommandError(exc.message)
        for line in summary.lines():
            self.stdout.write(line)
