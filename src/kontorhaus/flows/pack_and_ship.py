"""Pack and ship: at the packing station the packer scans what goes into the parcel; "packed"
makes the shipment; handing the parcels to the carrier ships it.

Packing, in one transaction, on the locked order: every packed unit must be a picked unit of
the order not packed yet — an article the order does not have, or one unit too many, is
refused and nothing changes -> an order that waits for complete delivery is packed only
complete -> the shipment record (carrier = the order's shipping method, tracking number empty
until a carrier is booked) -> the picked stock leaves the packing area (inventory.stock_ship_articles)
-> sales counts the units packed (their reservation is used up) -> the order leaves its pick
run; units of it not picked by then go back off the pick list, for a later run.

Handing over, in one transaction: the shipment is shipped and sales counts its units shipped.
The delivery note (Lieferschein) is rendered from the shipment on request, in the order's
language.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InsufficientStock, InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.selectors_picking import (
    open_pick_run_of,
    pack_rows,
    scan_match,
    single_item_order_for_scan,
)
from kontorhaus.fulfillment.services_packing import (
    PackedLine,
    ParcelData,
    ShipmentData,
    parcels_validate,
    shipment_create,
    shipment_hand_over,
)
from kontorhaus.fulfillment.services_picking import pick_run_order_close
from kontorhaus.inventory.services_bins import stock_ship_articles
from kontorhaus.sales.models import SalesOrder, SalesOrderLine
from kontorhaus.sales.selectors import order_get, order_lock
from kontorhaus.sales.services_fulfillment import order_lines_packed, order_lines_pick_dropped, order_lines_shipped
from kontorhaus.sales.states import PartialDelivery, SalesOrderStatus

DEFAULT_PARCEL_CM = (30, 20, 10)
PACKAGING_GRAMS = 200


@dataclass(frozen=True)
class PackItem:
    code: str  # the SKU or GTIN as scanned
    quantity: int


def _packed_lines(order: SalesOrder, items: Sequence[PackItem]) -> dict[int, int]:
    """Scanned codes -> units per line position, checked against what the order has picked and
    not packed. Raises (naming the item) for an unknown article or one unit too many."""
    rows = pack_rows(order=order)
    wanted: dict[str, int] = defaultdict(int)
    for index, item in enumerate(items):
        row = scan_match(rows, item.code)
        if row is None:
            raise InvalidInput(f"{item.code} is not an article of order {order.number}",
                               details={"field": f"lines.{index}.sku", "reason": "not_in_order"})
        if item.quantity <= 0:
            raise InvalidInput("quantity must be positive", details={"field": f"lines.{index}.quantity"})
        wanted[row.sku] += item.quantity
        ready = sum(r.ready for r in rows if r.sku == row.sku)
        if wanted[row.sku] > ready:
            raise InvalidInput(f"only {ready} x {row.sku} are picked for order {order.number}: one too many",
                               details={"field": f"lines.{index}.quantity", "reason": "too_many", "ready": ready})
    packed: dict[int, int] = {}
    for sku, units in wanted.items():
        for row in (r for r in rows if r.sku == sku):  # the same article on two lines: in line order
            take = min(row.ready, units)
            if take:
                packed[row.position], units = take, units - take
    if not packed:
        raise InvalidInput("nothing to pack", details={"field": "lines"})
    _complete_unless_partial(order, rows, packed)
    return packed


def _complete_unless_partial(order: SalesOrder, rows: list, packed: dict[int, int]) -> None:
    """An order that waits for complete delivery is packed complete or not at all."""
    if order.partial_delivery != PartialDelivery.WAIT:
        return
    short = [r.sku for r in rows if r.ordered - r.packed - packed.get(r.position, 0) > 0]
    if short:
        raise InvalidInput(f"order {order.number} waits for complete delivery; missing: {', '.join(short)}",
                           details={"field": "lines", "reason": "incomplete", "missing": short})


@flow
def order_pack(*, order: SalesOrder, items: Sequence[PackItem], parcels: Sequence[ParcelData],
               actor: Actor) -> Shipment:
    order = order_lock(order=order)
    if order.status != SalesOrderStatus.OPEN:
        raise InvalidInput(f"order {order.number} is {order.status}", details={"field": "order"})
    parcels_validate(parcels)
    quantities = _packed_lines(order, items)
    lines = {line.position: line for line in SalesOrderLine.objects.filter(order=order).select_related("article")}
    shipment = shipment_create(data=ShipmentData(
        order_number=order.number, carrier=order.shipping_method, language=order.language,
        customer_name=order.customer_name, shipping_address=order.shipping_address,
        pick_run=open_pick_run_of(order_number=order.number),
        lines=tuple(PackedLine(line_position=p, article=lines[p].article, name=lines[p].name, quantity=q)
                    for p, q in sorted(quantities.items())),
        parcels=tuple(parcels)), actor=actor)
    by_article: dict[int, int] = defaultdict(int)  # in line order
    articles = {}
    for position in sorted(quantities):
        by_article[lines[position].article_id] += quantities[position]
        articles[lines[position].article_id] = lines[position].article
    shipped = stock_ship_articles(order_number=order.number, actor=actor,
                                  units=[(articles[pk], units) for pk, units in by_article.items()])
    for pk, units in by_article.items():
        if shipped[pk] != units:
            raise InsufficientStock(f"the packing area does not hold {units} x {articles[pk].sku} for {order.number}",
                                    details={"sku": articles[pk].sku})
    order_lines_packed(order=order, quantities=quantities, actor=actor)
    dropped = pick_run_order_close(order_number=order.number, actor=actor)
    if dropped:
        order_lines_pick_dropped(order=order, quantities=dropped, actor=actor)
    return shipment


def default_parcel(order: SalesOrder, quantities: dict[int, int] | None = None) -> ParcelData:
    """One parcel of the packed articles' weight plus packaging, in a standard carton."""
    grams = sum(row.weight_grams * (quantities or {}).get(row.position, row.ready) for row in pack_rows(order=order))
    return ParcelData(grams + PACKAGING_GRAMS, *DEFAULT_PARCEL_CM)


def order_pack_by_single_scan(*, code: str, actor: Actor) -> Shipment | None:
    """Pack with one scan: the scanned article is the whole order (one unit, picked) of the
    oldest such order on a pick list; None when no order is."""
    order = single_item_order_for_scan(code=code)
    if order is None:
        return None
    return order_pack(order=order, items=[PackItem(code=code, quantity=1)], parcels=[default_parcel(order)],
                      actor=actor)


@flow
def shipment_handed_over(*, shipment: Shipment, actor: Actor) -> Shipment:
    shipment = shipment_hand_over(shipment=shipment, actor=actor)
    quantities: dict[int, int] = defaultdict(int)
    for line in shipment.lines.all():
        quantities[line.line_position] += line.quantity
    order_lines_shipped(order=order_get(number=shipment.order_number), quantities=dict(quantities), actor=actor)
    return shipment

