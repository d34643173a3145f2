"""Return received: the warehouse scans the return slip or label (order number, RMA number or
the label's tracking number), the return counts as received, and each item is inspected.

Inspection is one transaction per submission: what was found is recorded on the return's lines
and the goods enter the ledger at the same time — resellable ones into a bin of a sellable
warehouse (the article's bin unless another is named), damaged ones written off (returns ->
loss) or into quarantine (a bin of the non-sellable quarantine warehouse), wrong items flagged
(kept aside without a move) or, when the clerk names the article that arrived, that article into
quarantine — never the ordered article, which did not come back. The last line makes the return
inspected; after the orders counted their goods back, the refund proposal is computed
(returns.services_proposal).
"""

from collections import defaultdict
from dataclasses import replace

from kontorhaus.core.audit import Actor
from kontorhaus.core.transactions import flow
from kontorhaus.inventory.services import stock_bin_for
from kontorhaus.inventory.services_returns import quarantine_location, stock_return_to_bin, stock_return_write_off
from kontorhaus.returns.models import ReturnLine, ReturnRequest
from kontorhaus.returns.selectors import MAX_SCAN, return_find_by_scan, return_get
from kontorhaus.returns.services import return_policy_get
from kontorhaus.returns.services_inspection import LineInspection, return_lines_inspect, return_receive
from kontorhaus.returns.services_proposal import return_propose
from kontorhaus.returns.states import Condition, Disposition
from kontorhaus.sales.services_fulfillment import order_lines_returned

from .shipment_booking import return_label_return_number


def return_scanned(*, code: str) -> ReturnRequest:
    """The return a scanned code names. A return label's tracking number names exactly the return
    it was made for (the carrier's label record knows it, also for the Retoure label from the
    outbound parcel); anything else the returns' own lookup resolves: RMA number, order number."""
    number = return_label_return_number(tracking_number=code) if len((code or "").strip()) <= MAX_SCAN else None
    return return_get(number=number) if number else return_find_by_scan(code=code)


@flow
def return_goods_received(*, request: ReturnRequest, actor: Actor) -> ReturnRequest:
    return return_receive(request=request, actor=actor)


def _with_bin(request: ReturnRequest, inspection: LineInspection) -> LineInspection:
    """The default bin: the article's for resellable goods, the quarantine warehouse's for the rest."""
    if inspection.location is not None:
        return inspection
    if inspection.disposition == Disposition.QUARANTINED:
        return replace(inspection, location=quarantine_location(code=return_policy_get().quarantine_warehouse))
    if inspection.disposition == Disposition.RESTOCKED and inspection.condition == Condition.RESELLABLE:
        line = request.lines.select_related("article").filter(position=inspection.position).first()
        if line is not None and line.article is not None and line.article.is_stocked:
            return replace(inspection, location=stock_bin_for(line.article))
    return inspection


def _booked_article(line: ReturnLine):
    """What enters the ledger: the line's article — but for a wrong item of an order line only the
    article the clerk named as arrived (the ordered one did not come back); else nothing."""
    if line.condition == Condition.WRONG_ITEM and line.order_id is not None:
        return line.received_article
    return line.article


def _book(request: ReturnRequest, line: ReturnLine, actor: Actor) -> None:
    reference, note = request.number, f"{request.number}/{line.position} {line.condition}"
    article = _booked_article(line)
    if article is None:
        return  # a wrong item flagged: kept aside, no move
    if line.disposition in (Disposition.RESTOCKED, Disposition.QUARANTINED):
        stock_return_to_bin(article=article, location=line.location, quantity=line.quantity,
                            reference=reference, note=note, actor=actor)
    elif line.disposition == Disposition.WRITTEN_OFF:
        stock_return_write_off(article=article, quantity=line.quantity, reference=reference, note=note,
                               actor=actor)


@flow
def return_inspect(*, request: ReturnRequest, inspections: list[LineInspection], actor: Actor) -> ReturnRequest:
    """Inspect the named lines (all or some); stock moves with the inspection, and the orders
    count their goods back (sales derives "returned" once all shipped units are), in one
    transaction. A wrong item is not the order's goods coming back: it is not counted."""
    inspections = [_with_bin(request, i) for i in inspections]
    back: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # order -> line -> units
    orders = {}
    for line in return_lines_inspect(request=request, inspections=inspections, actor=actor):
        _book(request, line, actor)
        if line.order is not None and line.order_line_position and line.condition != Condition.WRONG_ITEM:
            back[line.order.pk][line.order_line_position] += line.quantity
            orders[line.order.pk] = line.order
    for pk in sorted(back):  # orders locked in primary-key order, as everywhere
        order_lines_returned(order=orders[pk], quantities=dict(back[pk]), actor=actor)
    # After the counting: whether the order is back in full (shipping refunded) is sales' count.
    return return_propose(request=request, actor=actor)
