from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Status

from kontorhaus.catalog.models import Article
from kontorhaus.catalog.selectors import article_get, article_list
from kontorhaus.catalog.services import ArticleData, article_create, article_update
from kontorhaus.core.audit import Actor
from kontorhaus.core.money import plain
from kontorhaus.flows.stock_received import stock_adjusted
from kontorhaus.inventory.selectors import stock_availability

from .schemas_articles import ArticleCreateIn, ArticleIn, ArticleOut, StockAdjustmentIn, StockMoveOut

router = Router(tags=["articles"])


def _actor(request: HttpRequest) -> Actor:
    return Actor("api", request.auth.name)


def article_out(article: Article) -> dict:
    stock = stock_availability(articles=[article])[article.pk]
    return {**article_out_without_stock(article), "on_hand": stock.on_hand, "reserved": stock.reserved,
            "available": stock.available}


def _data(body: ArticleIn) -> ArticleData:
    return ArticleData(name=body.name, price_gross=Decimal(body.price_gross), kind=body.kind,
                       vat_class=body.vat_class, product_category=body.product_category,
                       gtin=body.gtin, weight_grams=body.weight_grams, active=body.active)


@router.get("/articles", response=list[ArticleOut])
def article_index(request: HttpRequest, search: str = "", kind: str = ""):
    articles = list(article_list(search=search, kind=kind)[:500])
    stock = stock_availability(articles=articles)
    return [{**article_out_without_stock(a), "on_hand": stock[a.pk].on_hand, "reserved": stock[a.pk].reserved,
             "available": stock[a.pk].available} for a in articles]


def article_out_without_stock(article: Article) -> dict:
    return {"sku": article.sku, "name": article.name, "kind": article.kind, "vat_class": article.vat_class,
            "product_category": article.product_category, "gtin": article.gtin,
            "price_gross": plain(article.price_gross), "weight_grams": article.weight_grams,
            "active": article.active}


@router.post("/articles", response={201: ArticleOut})
def article_create_endpoint(request: HttpRequest, body: ArticleCreateIn):
    return Status(201, article_out(article_create(sku=body.sku, data=_data(body), actor=_actor(request))))


@router.get("/articles/{sku}", response=ArticleOut)
def article_detail(request: HttpRequest, sku: str):
    return article_out(article_get(sku=sku))


@router.put("/articles/{sku}", response=ArticleOut)
def article_update_endpoint(request: HttpRequest, sku: str, body: ArticleIn):
    return article_out(article_update(article=article_get(sku=sku), data=_data(body), actor=_actor(request)))


@router.post("/articles/{sku}/stock-adjustments", response={201: StockMoveOut})
def stock_adjustment_create(request: HttpRequest, sku: str, body: StockAdjustmentIn):
    move = stock_adjusted(article=article_get(sku=sku), delta=body.quantity, reason=body.reason, note=body.note,
                        actor=_actor(request))
    return Status(201, {"sku": sku, "quantity": move.quantity, "direction": "in" if body.quantity > 0 else "out",
                 "reason": move.reason, "note": move.note, "occurred_at": move.occurred_at.isoformat()})
