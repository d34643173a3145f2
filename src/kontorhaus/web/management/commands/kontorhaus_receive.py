"""`kontorhaus receive PO_NUMBER SKU=QTY[@BIN] ... [--receipt-id ID]`: goods received against a
purchase order, as on the goods receipt page: SKU or GTIN, quantity, optionally a bin of the
purchase order's warehouse (else the article's default bin). With --receipt-id (e.g. the
delivery note number) a repeated call books once; without, every call is a new delivery.
Stock is booked and waiting customer orders get it, oldest first.

Exit 0 with the purchase order's new status; bad input (unknown purchase order or SKU, more
than ordered, malformed argument): exit 2 with the argument's position and the reason,
nothing booked."""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.flows.goods_received import goods_received
from kontorhaus.purchasing.selectors import purchase_order_get
from kontorhaus.purchasing.services_receipts import ReceiptLineRequest

EXIT_USAGE = 2


def parse_line(position: int, text: str) -> ReceiptLineRequest:
    code, sep, rest = text.partition("=")
    quantity, _, bin_label = rest.partition("@")
    if not sep or not code.strip() or not quantity.isdigit() or not 0 < int(quantity) <= 1_000_000:
        raise CommandError(f"argument {position}: {text[:80]!r} is not SKU=QUANTITY[@BIN]", returncode=EXIT_USAGE)
    return ReceiptLineRequest(code.strip(), int(quantity), bin_label.strip())


class Command(BaseCommand):
    help = "Goods receipt against a purchase order: SKU=QTY[@BIN] ..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("purchase_order", help="purchase order number, e.g. BE-2026-000001")
        parser.add_argument("lines", nargs="+", help="SKU=QTY or SKU=QTY@BIN (SKU or GTIN)")
        parser.add_argument("--receipt-id", default="", help="receipt id, e.g. the delivery note number: booked once")

    def handle(self, *args: Any, **options: Any) -> None:
        lines = [parse_line(i + 2, text) for i, text in enumerate(options["lines"])]
        key = options["receipt_id"] or f"cli-{uuid.uuid4().hex}"
        try:
            result = goods_received(purchase_order=purchase_order_get(number=options["purchase_order"]), key=key,
                                    lines=lines, actor=Actor("cli", "kontorhaus receive"))
        except DomainError as exc:
            field = exc.details.get("field", "")
            raise CommandError(f"{field + ': ' if field else ''}{exc.message}", returncode=EXIT_USAGE) from None
        booked = "booked" if result.created else "already booked (same receipt id)"
        self.stdout.write(f"{result.purchase_order.number}: {booked}; status {result.purchase_order.status}")
