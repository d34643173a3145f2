"""The reorder list and its purchase order proposals (read only; confirming them is
services_orders.purchase_orders_create).

Per article and sellable warehouse with a reorder point (inventory's StockPolicy):
available = on hand - reserved over the warehouse's bins and packing area. At or below the
reorder point the article is listed, and its preferred supplier is proposed

    quantity = target level - available - on order

(on order: open purchase order lines for that warehouse not yet received, drafts included),
rounded up to the supplier's pack size and at least its minimum order quantity; nothing when
it is 0 or less. Without a target level the reorder point is the target.

Warehouse by warehouse, because a purchase order delivers to one warehouse (inventory's
`articles_at_reorder_point` sums the sellable warehouses, which gives the same list for a shop
with one warehouse).

Five aggregate queries whatever the number of articles; the rest is arithmetic in Python
(10,000 articles in well under a second, see benchmarks/reorder.py).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Sum

from kontorhaus.catalog.models import Article
from kontorhaus.core.money import quantize
from kontorhaus.inventory.models import LocationKind, StockLevel, StockPolicy, Warehouse

from .models import Supplier, SupplierTerms
from .selectors import on_order_by_article_and_warehouse
from .services_orders import PurchaseOrderLineRequest, PurchaseOrderRequest


@dataclass(frozen=True)
class ReorderLine:
    article_id: int
    sku: str
    name: str
    warehouse_id: int
    warehouse_code: str
    available: int
    reorder_point: int
    target_level: int
    on_order: int
    need: int  # target - available - on order (may be <= 0: nothing proposed)
    quantity: int  # proposed, after pack size and minimum order quantity; 0: nothing to order
    supplier_number: str  # "" when the article has no preferred supplier
    supplier_sku: str
    unit_price: Decimal | None
    pack_size: int
    minimum_order_quantity: int

    @property
    def net(self) -> Decimal:
        return (self.unit_price or Decimal(0)) * self.quantity


@dataclass
class Proposal:
    supplier_number: str
    supplier_name: str
    currency: str
    warehouse_code: str
    lines: list[ReorderLine] = field(default_factory=list)

    @property
    def total_net(self) -> Decimal:
        return quantize(sum((line.net for line in self.lines), Decimal(0)), self.currency)


@dataclass(frozen=True)
class ReorderList:
    lines: list[ReorderLine]  # everything at or below its reorder point, by SKU
    proposals: list[Proposal]  # per supplier and warehouse, lines with a quantity > 0

    @property
    def without_supplier(self) -> list[ReorderLine]:
        return [line for line in self.lines if not line.supplier_number and line.need > 0]


def order_quantity(need: int, *, pack_size: int, minimum: int) -> int:
    """`need` rounded up to whole packs, at least the minimum order quantity (itself rounded
    up to whole packs); 0 when nothing is needed."""
    if need <= 0:
        return 0
    pack = max(pack_size, 1)
    wanted = max(need, minimum)
    return -(-wanted // pack) * pack


def _policies(warehouse_code: str, supplier_number: str) -> list[dict]:
    policies = StockPolicy.objects.filter(reorder_point__isnull=False, warehouse__sellable=True,
                                          article__active=True, article__kind="physical")
    if warehouse_code:
        policies = policies.filter(warehouse__code=warehouse_code)
    if supplier_number:
        policies = policies.filter(article__supplier_terms__preferred=True,
                                   article__supplier_terms__supplier__number=supplier_number)
    return list(policies.values("article_id", "warehouse_id", "reorder_point", "target_level",
                                sku=F("article__sku"), name=F("article__name"), warehouse_code=F("warehouse__code")))


def _available(article_ids: list[int] | None) -> dict[tuple[int, int], int]:
    levels = StockLevel.objects.filter(location__kind__in=(LocationKind.STOCK, LocationKind.PACKING),
                                       location__warehouse__sellable=True)
    if article_ids is not None:
        levels = levels.filter(article_id__in=article_ids)
    rows = levels.values("article_id", "location__warehouse_id").annotate(
        available=Sum(F("on_hand") - F("reserved")))
    return {(r["article_id"], r["location__warehouse_id"]): r["available"] for r in rows}


def _preferred(article_ids: list[int] | None) -> dict[int, dict]:
    terms = SupplierTerms.objects.filter(preferred=True, supplier__active=True)
    if article_ids is not None:
        terms = terms.filter(article_id__in=article_ids)
    return {t["article_id"]: t for t in terms.values(
        "article_id", "supplier_sku", "purchase_price", "pack_size", "minimum_order_quantity",
        supplier_number=F("supplier__number"), supplier_name=F("supplier__name"),
        currency=F("supplier__currency"))}


# Up to this many articles the queries filter by id; above, they read everything once (an IN
# list of 10,000 ids costs more than the rows it saves, and SQLite limits host parameters).
_FILTER_BY_ID_UP_TO = 500


def reorder_list(*, warehouse_code: str = "", supplier_number: str = "") -> ReorderList:
    policies = _policies(warehouse_code, supplier_number)
    ids = sorted({p["article_id"] for p in policies})
    filter_ids = ids if len(ids) <= _FILTER_BY_ID_UP_TO else None
    available = _available(filter_ids)
    on_order = on_order_by_article_and_warehouse(article_ids=filter_ids)
    preferred = _preferred(filter_ids)
    lines = []
    for policy in policies:
        key = (policy["article_id"], policy["warehouse_id"])
        free = available.get(key, 0)
        if free > policy["reorder_point"]:
            continue
        terms = preferred.get(policy["article_id"])
        target = policy["target_level"] if policy["target_level"] is not None else policy["reorder_point"]
        need = target - free - on_order.get(key, 0)
        quantity = order_quantity(need, pack_size=terms["pack_size"], minimum=terms["minimum_order_quantity"]) if (
            terms) else 0
        lines.append(ReorderLine(
            article_id=policy["article_id"], sku=policy["sku"], name=policy["name"], warehouse_id=key[1],
            warehouse_code=policy["warehouse_code"], available=free, reorder_point=policy["reorder_point"],
            target_level=target, on_order=on_order.get(key, 0), need=need, quantity=quantity,
            supplier_number=terms["supplier_number"] if terms else "",
            supplier_sku=terms["supplier_sku"] if terms else "",
            unit_price=terms["purchase_price"] if terms else None, pack_size=terms["pack_size"] if terms else 1,
            minimum_order_quantity=terms["minimum_order_quantity"] if terms else 1,
        ))
    lines.sort(key=lambda line: (line.sku, line.warehouse_code))
    return ReorderList(lines=lines, proposals=_proposals(lines, preferred))


def _proposals(lines: list[ReorderLine], preferred: dict[int, dict]) -> list[Proposal]:
    grouped: dict[tuple[str, str], Proposal] = {}
    for line in lines:
        if line.quantity <= 0:
            continue
        terms = preferred[line.article_id]
        key = (line.supplier_number, line.warehouse_code)
        if key not in grouped:
            grouped[key] = Proposal(line.supplier_number, terms["supplier_name"], terms["currency"],
                                    line.warehouse_code)
        grouped[key].lines.append(line)
    return sorted(grouped.values(), key=lambda p: (p.supplier_name, p.supplier_number, p.warehouse_code))


def reorder_proposal_for(*, supplier_number: str, warehouse_code: str) -> Proposal | None:
    """The one proposal for this supplier and warehouse, or None when it has nothing to order."""
    found = reorder_list(warehouse_code=warehouse_code, supplier_number=supplier_number).proposals
    return next((p for p in found if p.supplier_number == supplier_number), None)



def proposal_order_request(*, proposal: Proposal, quantities: dict[str, int] | None = None,
                           note: str = "") -> PurchaseOrderRequest:
    """The purchase order a proposal becomes, with the quantities the user adjusted (by SKU;
    0 takes a line out)."""
    supplier = Supplier.objects.get(number=proposal.supplier_number)
    warehouse = Warehouse.objects.get(code=proposal.warehouse_code)
    articles = Article.objects.in_bulk([line.article_id for line in proposal.lines])
    chosen = quantities or {}
    return PurchaseOrderRequest(supplier=supplier, warehouse=warehouse, note=note, lines=[
        PurchaseOrderLineRequest(articles[line.article_id], chosen.get(line.sku, line.quantity))
        for line in proposal.lines])
