"""What the clerk scans or types at inspection, looked up: the article that arrived instead of
the ordered one (a wrong item), by its SKU or its GTIN."""

from kontorhaus.catalog.models import Article
from kontorhaus.core.exceptions import InvalidInput

MAX_CODE = 64
GTIN_LENGTHS = (8, 12, 13, 14)


def _gtin_forms(code: str) -> set[str]:
    """The ways one GTIN can be stored: a scanner reads an EAN-13 where the catalog may hold the
    same number as GTIN-14 with a leading zero, and the other way round."""
    key = code.lstrip("0")
    return {code} | {key.zfill(length) for length in GTIN_LENGTHS if len(key) <= length}


def received_article_find(*, code: str, field: str) -> Article:
    """The article named by a scanned or typed SKU (exact, then ignoring case) or GTIN. Unknown,
    ambiguous (one GTIN on several articles) or malformed codes are refused, naming `field`."""
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE or not code.isprintable():
        raise InvalidInput(f"{field}: scan or type the SKU or GTIN of the article that arrived",
                           code="unknown_article", details={"field": field})
    found = Article.objects.filter(sku=code).first() or Article.objects.filter(sku__iexact=code).first()
    if found is None and code.isdigit():
        by_gtin = list(Article.objects.filter(gtin__in=_gtin_forms(code)).order_by("sku")[:2])
        if len(by_gtin) > 1:
            raise InvalidInput(f"{field}: several articles have the GTIN {code}: type the SKU",
                               code="ambiguous_article", details={"field": field})
        found = by_gtin[0] if by_gtin else None
    if found is None:
        raise InvalidInput(f"{field}: no article with the SKU or GTIN {code}", code="unknown_article",
                           details={"field": field})
    return found
