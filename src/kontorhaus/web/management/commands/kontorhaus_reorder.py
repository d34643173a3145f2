"""`kontorhaus reorder [--warehouse CODE] [--supplier NUMBER] [--create]`: the reorder list.

Prints, per supplier and warehouse, what the reorder proposal orders (SKU, available, reorder
point, target, on order, quantity, price) and the articles below their reorder point without a
preferred supplier. With --create each proposal becomes a draft purchase order (all or none),
whose numbers are printed; send them from the back office or POST /purchase-orders/{n}/order.
Exit 0; bad input (unknown warehouse) exit 2 with the reason, nothing created."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.purchasing.reorder import proposal_order_request, reorder_list
from kontorhaus.purchasing.selectors import warehouse_for_purchase
from kontorhaus.purchasing.services_orders import purchase_orders_create

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Reorder list: purchase order proposals per supplier; --create makes draft purchase orders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--warehouse", default="", help="only this warehouse (code)")
        parser.add_argument("--supplier", default="", help="only this supplier (number)")
        parser.add_argument("--create", action="store_true", help="create a draft purchase order per proposal")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["warehouse"]:
                warehouse_for_purchase(code=options["warehouse"])
            result = reorder_list(warehouse_code=options["warehouse"], supplier_number=options["supplier"])
            for proposal in result.proposals:
                self.stdout.write(f"{proposal.supplier_number} {proposal.supplier_name} -> {proposal.warehouse_code}: "
                                  f"{proposal.total_net} {proposal.currency} net")
                for line in proposal.lines:
                    self.stdout.write(f"  {line.sku:<20} available {line.available:>6}  reorder point "
                                      f"{line.reorder_point:>6}  target {line.target_level:>6}  on order "
                                      f"{line.on_order:>6}  order {line.quantity:>6} x {line.unit_price}")
            for line in result.without_supplier:
                self.stdout.write(f"no preferred supplier: {line.sku} ({line.warehouse_code}: {line.available} of "
                                  f"reorder point {line.reorder_point})")
            if not result.proposals:
                self.stdout.write("nothing to reorder")
            elif options["create"]:
                created = purchase_orders_create(
                    requests=[proposal_order_request(proposal=p) for p in result.proposals],
                    actor=Actor("cli", "kontorhaus reorder"))
                self.stdout.write("created: " + " ".join(order.number for order in created))
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE) from None
