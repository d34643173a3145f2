"""Purchasing test data through the real services."""

from decimal import Decimal

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.services import ArticleData, article_create
from kontorhaus.inventory.models import Warehouse
from kontorhaus.inventory.services import stock_location_default
from kontorhaus.inventory.services_bins import stock_policy_set
from kontorhaus.purchasing.models import PurchaseOrder, Supplier, SupplierTerms
from kontorhaus.purchasing.services import SupplierData, SupplierTermsData, supplier_create, supplier_terms_set
from kontorhaus.purchasing.services_orders import (
    PurchaseOrderLineRequest,
    PurchaseOrderRequest,
    purchase_order_create,
    purchase_order_send,
)
from kontorhaus.sales.tests.factories import TESTER


def main_warehouse() -> Warehouse:
    return stock_location_default().warehouse


def make_supplier(number: str = "70001", **overrides) -> Supplier:
    data = {"name": "Textil Nord GmbH", "email": "einkauf@textil-nord.example", "street": "Kai 3",
            "postal_code": "24103", "city": "Kiel", "contact_name": "Jan Meier", **overrides}
    return supplier_create(number=number, data=SupplierData(**data), actor=TESTER)


def make_gtin_article(sku: str, gtin: str = "") -> Article:
    return article_create(sku=sku, data=ArticleData(name=f"Artikel {sku}", price_gross=Decimal("19.99"), gtin=gtin),
                          actor=TESTER)


def make_terms(supplier: Supplier, article: Article, *, price: str = "5.00", pack: int = 1, moq: int = 1,
               preferred: bool = True, lead: int = 5, supplier_sku: str = "") -> SupplierTerms:
    return supplier_terms_set(supplier=supplier, article=article, actor=TESTER, data=SupplierTermsData(
        purchase_price=Decimal(price), supplier_sku=supplier_sku or f"S-{article.sku}", pack_size=pack,
        minimum_order_quantity=moq, lead_time_days=lead, preferred=preferred))


def set_policy(article: Article, *, reorder_point: int | None, target: int | None,
               warehouse: Warehouse | None = None) -> None:
    stock_policy_set(article=article, warehouse=warehouse or main_warehouse(), default_bin=None,
                     reorder_point=reorder_point, target_level=target, actor=TESTER)


def make_po(supplier: Supplier, lines: list[tuple[Article, int]], *, ordered: bool = True,
            warehouse: Warehouse | None = None) -> PurchaseOrder:
    order = purchase_order_create(actor=TESTER, request=PurchaseOrderRequest(
        supplier=supplier, warehouse=warehouse or main_warehouse(),
        lines=[PurchaseOrderLineRequest(article, quantity) for article, quantity in lines]))
    return purchase_order_send(purchase_order=order, actor=TESTER) if ordered else order
