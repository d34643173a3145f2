from django.db.models import F, Q, QuerySet, Sum

from kontorhaus.catalog.models import Article
from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.inventory.models import Location, LocationKind, StockLevel, Warehouse
from kontorhaus.inventory.services import stock_location_default

from .models import ArticleCost, GoodsReceipt, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierTerms
from .states import OPEN


def supplier_get(*, number: str) -> Supplier:
    try:
        return Supplier.objects.get(number=number)
    except Supplier.DoesNotExist:
        raise NotFound(f"supplier {number} not found", details={"number": number}) from None


def supplier_list(*, search: str = "", active_only: bool = False) -> QuerySet[Supplier]:
    suppliers = Supplier.objects.all()
    if search.strip():
        text = search.strip()
        suppliers = suppliers.filter(Q(number__iexact=text) | Q(name__icontains=text) | Q(email__iexact=text))
    if active_only:
        suppliers = suppliers.filter(active=True)
    return suppliers.order_by("name", "number")


def supplier_terms_list(*, supplier: Supplier) -> list[SupplierTerms]:
    return list(SupplierTerms.objects.filter(supplier=supplier).select_related("article").order_by("article__sku"))


def supplier_terms_get(*, supplier: Supplier, article: Article) -> SupplierTerms | None:
    return SupplierTerms.objects.filter(supplier=supplier, article=article).first()


def purchase_order_get(*, number: str) -> PurchaseOrder:
    try:
        return PurchaseOrder.objects.select_related("supplier", "warehouse").get(number=number)
    except PurchaseOrder.DoesNotExist:
        raise NotFound(f"purchase order {number} not found", details={"number": number}) from None


def purchase_order_list(*, search: str = "", status: str = "") -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("supplier")
    if search.strip():
        text = search.strip()
        orders = orders.filter(Q(number__iexact=text) | Q(supplier__number__iexact=text)
                               | Q(supplier_name__icontains=text))
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-id")


def purchase_order_lines(*, purchase_order: PurchaseOrder) -> list[PurchaseOrderLine]:
    return list(purchase_order.lines.select_related("article").order_by("position"))


def goods_receipt_list(*, purchase_order: PurchaseOrder) -> list[GoodsReceipt]:
    return list(purchase_order.receipts.prefetch_related("lines__po_line", "lines__location"))


def on_order_by_article_and_warehouse(*, article_ids: list[int] | None = None) -> dict[tuple[int, int], int]:
    """Open purchase order quantities not yet received, per (article, warehouse): one aggregate."""
    lines = PurchaseOrderLine.objects.filter(purchase_order__status__in=OPEN, received_quantity__lt=F("quantity"))
    if article_ids is not None:
        lines = lines.filter(article_id__in=article_ids)
    rows = lines.values("article_id", "purchase_order__warehouse_id").annotate(
        open=Sum(F("quantity") - F("received_quantity")))
    return {(r["article_id"], r["purchase_order__warehouse_id"]): r["open"] for r in rows}


def bin_for_receipt(*, warehouse: Warehouse, label: str) -> Location:
    """A bin of the warehouse by its label ("A-03-2") or full code ("MAIN:A-03-2")."""
    label = label.strip()
    code = label if label.startswith(f"{warehouse.code}:") or label == warehouse.code else f"{warehouse.code}:{label}"
    location = Location.objects.filter(code=code, kind=LocationKind.STOCK, warehouse=warehouse, active=True).first()
    if location is None:
        raise InvalidInput(f"{label!r} is not a bin of warehouse {warehouse.code}", details={"field": "bin"})
    return location


def stock_on_hand(*, article: Article) -> int:
    """Units owned of the article, in every warehouse (bins and packing areas): what the
    average purchase price is weighted with."""
    # Read-only on inventory's counters; inventory.selectors has no per-kind total yet.
    total = StockLevel.objects.filter(article=article, location__kind__in=(LocationKind.STOCK, LocationKind.PACKING))
    return total.aggregate(s=Sum("on_hand"))["s"] or 0


def article_cost_get(*, article: Article) -> ArticleCost | None:
    return ArticleCost.objects.filter(article=article).first()


def warehouse_for_purchase(*, code: str = "") -> Warehouse:
    """The warehouse goods are delivered to: by code, or the main warehouse."""
    if not code:
        return stock_location_default().warehouse
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        raise InvalidInput(f"warehouse {code} not found", details={"field": "warehouse"})
    return warehouse
