from collections.abc import Iterable

from django.db.models import Q, QuerySet

from kontorhaus.core.exceptions import NotFound

from .models import Article


def article_get(*, sku: str) -> Article:
    try:
        return Article.objects.get(sku=sku)
    except Article.DoesNotExist:
        raise NotFound(f"article {sku} not found", details={"sku": sku})


def articles_by_sku(*, skus: Iterable[str]) -> dict[str, Article]:
    return {a.sku: a for a in Article.objects.filter(sku__in=set(skus))}


def article_list(*, search: str = "", kind: str = "") -> QuerySet[Article]:
    articles = Article.objects.all()
    if search:
        articles = articles.filter(Q(sku__icontains=search) | Q(name__icontains=search) | Q(gtin=search))
    if kind:
        articles = articles.filter(kind=kind)
    return articles.order_by("sku")
