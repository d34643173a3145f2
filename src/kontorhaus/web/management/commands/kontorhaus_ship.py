"""`kontorhaus ship book SHIPMENT [...]` books shipments with their carrier and writes the
labels as one PDF (--labels FILE); `kontorhaus ship import-tracking FILE.csv` sets tracking
numbers from a CSV (order or shipment number; tracking number; carrier). Exit 1 with the
reason (and the line numbers) when something is refused; nothing changes then."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, NotFound
from kontorhaus.flows.shipment_booking import shipments_book
from kontorhaus.flows.tracking_import import tracking_numbers_import
from kontorhaus.fulfillment.labels import labels_pdf
from kontorhaus.fulfillment.selectors_picking import shipment_get

ACTOR = Actor("cli", "kontorhaus_ship")
MAX_FILE_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = "Book shipments with the carrier; import tracking numbers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        book = sub.add_parser("book", help="book shipments with their carrier (labels, tracking numbers)")
        book.add_argument("shipments", nargs="+", metavar="SHIPMENT")
        book.add_argument("--labels", metavar="FILE", help="write all labels as one PDF")
        imp = sub.add_parser("import-tracking", help="tracking numbers from a CSV file")
        imp.add_argument("file")

    def handle(self, *args, **options) -> None:
        if options["action"] == "book":
            self._book(options["shipments"], options["labels"])
        else:
            self._import(options["file"])

    def _book(self, numbers: list[str], labels: str | None) -> None:
        try:
            shipments = [shipment_get(number=n) for n in numbers]
        except NotFound as error:
            raise CommandError(error.message) from error
        result = shipments_book(shipments=shipments, actor=ACTOR)
        for shipment in result.booked:
            tracking = ", ".join(p.tracking_number for p in shipment.parcels.all())
            self.stdout.write(f"{shipment.number}: booked {tracking}")
        if labels and result.booked:
            Path(labels).write_bytes(labels_pdf(result.booked))
            self.stdout.write(f"labels: {labels}")
        if result.failed:
            raise CommandError("; ".join(f"{number}: {message}" for number, message in result.failed))

    def _import(self, file: str) -> None:
        path = Path(file)
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{file}: not a file of at most 5 MB")
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text") from error
        try:
            result = tracking_numbers_import(text=text, actor=ACTOR)
        except DomainError as error:
            raise CommandError("\n".join(error.details.get("errors") or [error.message])) from error
        self.stdout.write(f"{result.set} tracking numbers set, {result.unchanged} unchanged")
