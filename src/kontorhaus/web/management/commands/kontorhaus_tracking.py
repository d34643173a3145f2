"""`kontorhaus tracking refresh [--limit N]`: ask the carriers about every parcel on its way
(the worker does the same periodically) and raise "no movement" alerts; prints the counts."""

from django.core.management.base import BaseCommand, CommandParser

from kontorhaus.flows.tracking_update import tracking_refresh


class Command(BaseCommand):
    help = "Fetch tracking events from the carriers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="fetch tracking events now")
        refresh.add_argument("--limit", type=int, default=500, help="at most this many parcels (default 500)")

    def handle(self, *args, **options) -> None:
        result = tracking_refresh(limit=max(1, min(options["limit"], 10_000)))
        self.stdout.write(f"{result.checked} parcels checked, {result.new_events} new events, "
                          f"{result.failed} failed, {result.stale_alerts} no-movement alerts")
