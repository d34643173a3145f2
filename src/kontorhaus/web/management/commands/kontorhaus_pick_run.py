"""`kontorhaus_pick_run create --batch N | --order X | --carrier C | --single-line [--size N]`:
a pick run from released orders; prints its number, orders and units. Exit 1 with the reason
when nothing can be picked."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.pick_run import PickRunRequest, pick_run_start


class Command(BaseCommand):
    help = "Create a pick run from released orders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a pick run from released orders")
        which = create.add_mutually_exclusive_group(required=True)
        which.add_argument("--batch", type=int, metavar="N", help="the N oldest released orders")
        which.add_argument("--order", metavar="NUMBER", help="one order")
        which.add_argument("--carrier", metavar="METHOD", help="the orders of one shipping method")
        which.add_argument("--single-line", action="store_true", help="the orders with one line")
        create.add_argument("--size", type=int, help="at most this many orders (carrier, single-line)")

    def handle(self, *args, **options) -> None:
        if options["batch"] is not None:
            request = PickRunRequest(mode="batch", size=options["batch"])
        elif options["order"]:
            request = PickRunRequest(mode="single", order_number=options["order"])
        elif options["carrier"]:
            request = PickRunRequest(mode="carrier", carrier=options["carrier"], size=options["size"])
        else:
            request = PickRunRequest(mode="single_line", size=options["size"])
        try:
            run = pick_run_start(request=request, actor=Actor("cli", "kontorhaus_pick_run"))
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.details.get('field', '')})") from error
        units = sum(item.quantity for item in run.items.all())
        self.stdout.write(f"{run.number}: {run.orders.count()} orders, {units} units")
