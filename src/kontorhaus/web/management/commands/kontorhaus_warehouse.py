"""`kontorhaus warehouse …`: warehouses and bins from the shell.

  list                                          warehouses
  create CODE NAME [--not-sellable]             a new warehouse (with its packing area)
  bins CODE                                     its bins in walking order
  bin-create CODE LABEL [--walk-order N]        a new bin
"""

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.inventory.selectors_stock import bin_list, warehouse_get, warehouse_list
from kontorhaus.inventory.services_bins import bin_create, warehouse_create

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Warehouses and bins."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        create = sub.add_parser("create")
        create.add_argument("code")
        create.add_argument("name")
        create.add_argument("--not-sellable", action="store_true")
        bins = sub.add_parser("bins")
        bins.add_argument("code")
        new_bin = sub.add_parser("bin-create")
        new_bin.add_argument("code")
        new_bin.add_argument("label")
        new_bin.add_argument("--walk-order", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor("cli", getpass.getuser())
        try:
            if options["action"] == "list":
                for w in warehouse_list():
                    self.stdout.write(f"{w.code}\t{w.name}\t{'sellable' if w.sellable else 'not sellable'}")
            elif options["action"] == "create":
                w = warehouse_create(code=options["code"], name=options["name"],
                                     sellable=not options["not_sellable"], actor=actor)
                self.stdout.write(f"warehouse {w.code} created")
            elif options["action"] == "bins":
                for b in bin_list(warehouse=warehouse_get(code=options["code"])):
                    self.stdout.write(f"{b.walk_order}\t{b.label}\t{b.units or 0}\t{'' if b.active else 'inactive'}")
            else:
                b = bin_create(warehouse=warehouse_get(code=options["code"]), label=options["label"],
                               walk_order=options["walk_order"], actor=actor)
                self.stdout.write(f"bin {b.code} created")
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE) from None
