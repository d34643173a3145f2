"""Orders as returns meet them: paid, picked, packed and handed to the carrier."""

import itertools

from kontorhaus.flows.pack_and_ship import PackItem, order_pack, shipment_handed_over
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_packing import ParcelData
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.services import ReturnDraft, ReturnLineDraft
from kontorhaus.returns.states import Channel, ReturnReason
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

_skus = itertools.count(1)


def shipped_order(*units: int) -> SalesOrder:
    """A paid order with one line per entry of `units` (10.00 each, shipping 4.90), shipped in full."""
    units = units or (2,)
    skus = []
    for quantity in units:
        sku = f"RET-{next(_skus)}"
        stocked(sku, units=quantity + 5, bin_=make_bin(f"R-{sku}", 10))
        skus.append((sku, quantity))
    return _ship(released_order(*skus), skus)


def shipped_priced_order(*lines: tuple[int, str, str]) -> SalesOrder:
    """A paid order shipped in full, one line per (units, unit gross, VAT class), shipping 4.90."""
    skus = []
    for quantity, price, vat_class in lines:
        sku = f"RET-{next(_skus)}"
        article = make_article(sku=sku, price=price, vat_class=vat_class)
        stock_adjust(article=article, delta=quantity + 5, reason="receipt", note="test", actor=TESTER,
                     location=make_bin(f"R-{sku}", 10))
        skus.append((sku, quantity, price))
    order = place_order(lines=skus, paid=True).order
    return _ship(SalesOrder.objects.get(pk=order.pk), [(sku, q) for sku, q, _ in skus])


def _ship(order: SalesOrder, skus: list[tuple[str, int]]) -> SalesOrder:
    run = start(mode="single", order_number=order.number)
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    shipment = order_pack(order=order, items=[PackItem(sku, q) for sku, q in skus],
                          parcels=[ParcelData(900, 30, 20, 10)], actor=TESTER)
    shipment_handed_over(shipment=shipment, actor=TESTER)
    return SalesOrder.objects.get(pk=order.pk)


def draft_for(order: SalesOrder, *lines: tuple[int, int], reason: str = ReturnReason.DOES_NOT_FIT,
              channel: str = Channel.PORTAL, photos: tuple = ()) -> ReturnDraft:
    return ReturnDraft(channel=channel, order=order, lines=tuple(
        ReturnLineDraft(order=order, position=p, quantity=q, reason=reason, photos=photos) for p, q in lines))


def refresh(request: ReturnRequest) -> ReturnRequest:
    return ReturnRequest.objects.get(pk=request.pk)
