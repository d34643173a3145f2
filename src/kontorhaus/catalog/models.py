from django.db import models

from kontorhaus.core import clock


class ArticleKind(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    DIGITAL = "digital", "Digital"
    SERVICE = "service", "Service"


class VatClass(models.TextChoices):
    STANDARD = "standard", "Standard rate"
    REDUCED = "reduced", "Reduced rate"


class ProductCategory(models.TextChoices):
    """What the article is for VAT abroad: the category keys of the EU rate table
    (core.vat_rates). Empty: the destination's standard rate (or, for a reduced German
    article, the reduced rate the table gives for the category)."""

    GENERAL = "", "General (standard rate)"
    FOOD = "food", "Food"
    BOOKS_PRINTED = "books_printed", "Printed books"
    EBOOKS = "ebooks", "E-books"
    NEWSPAPERS = "newspapers", "Newspapers and periodicals"
    PHARMACEUTICALS = "pharmaceuticals", "Pharmaceuticals"
    CHILDRENS_CLOTHING = "childrens_clothing", "Children's clothing"


class Article(models.Model):
    sku = models.CharField(max_length=64, unique=True)
    gtin = models.CharField(max_length=14, blank=True, default="")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ArticleKind.choices, default=ArticleKind.PHYSICAL)
    vat_class = models.CharField(max_length=16, choices=VatClass.choices, default=VatClass.STANDARD)
    product_category = models.CharField(max_length=32, choices=ProductCategory.choices, blank=True, default="")
    price_gross = models.DecimalField(max_digits=14, decimal_places=4)
    weight_grams = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price_gross__gte=0), name="article_price_not_negative"),
            models.CheckConstraint(condition=models.Q(kind__in=ArticleKind.values), name="article_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def is_stocked(self) -> bool:
        """Only physical goods are kept in stock and reserved."""
        return self.kind == ArticleKind.PHYSICAL
