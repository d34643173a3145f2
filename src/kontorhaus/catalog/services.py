from dataclasses import dataclass, fields
from decimal import Decimal

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import operation

from .models import Article, ArticleKind, ProductCategory, VatClass


@dataclass(frozen=True)
class ArticleData:
    name: str
    price_gross: Decimal
    kind: str = ArticleKind.PHYSICAL
    vat_class: str = VatClass.STANDARD
    product_category: str = ProductCategory.GENERAL  # which rate abroad (EU rate table)
    gtin: str = ""
    weight_grams: int = 0
    active: bool = True


def _validate(data: ArticleData) -> None:
    if not data.name.strip():
        raise InvalidInput("name must not be empty", details={"field": "name"})
    if data.price_gross < 0:
        raise InvalidInput("price must not be negative", details={"field": "price_gross"})
    if data.kind not in ArticleKind.values:
        raise InvalidInput(f"unknown kind {data.kind}", details={"field": "kind"})
    if data.vat_class not in VatClass.values:
        raise InvalidInput(f"unknown VAT class {data.vat_class}", details={"field": "vat_class"})
    if data.product_category not in ProductCategory.values:
        raise InvalidInput(f"unknown product category {data.product_category}", details={"field": "product_category"})
    if data.gtin and (not data.gtin.isdigit() or len(data.gtin) not in (8, 12, 13, 14)):
        raise InvalidInput("GTIN must have 8, 12, 13 or 14 digits", details={"field": "gtin"})


@operation
def article_create(*, sku: str, data: ArticleData, actor: Actor) -> Article:
    sku = sku.strip()
    if not sku or len(sku) > 64 or any(c.isspace() for c in sku):
        raise InvalidInput("SKU must be 1-64 characters without spaces", details={"field": "sku"})
    if Article.objects.filter(sku=sku).exists():
        raise InvalidInput(f"article {sku} exists already", details={"field": "sku"})
    _validate(data)
    article = Article.objects.create(sku=sku, **{f.name: getattr(data, f.name) for f in fields(data)})
    record(action=AuditAction.CATALOG_ARTICLE_CREATED, obj=article, actor=actor, data={"sku": sku})
    return article


@operation
def article_update(*, article: Article, data: ArticleData, actor: Actor) -> Article:
    _validate(data)
    article = Article.objects.select_for_update().get(pk=article.pk)
    changed = {}
    for f in fields(data):
        new = getattr(data, f.name)
        if getattr(article, f.name) != new:
            changed[f.name] = str(new)
            setattr(article, f.name, new)
    if changed:
        article.updated_at = clock.now()
        article.save()
        record(action=AuditAction.CATALOG_ARTICLE_UPDATED, obj=article, actor=actor, data=changed)
    return article
