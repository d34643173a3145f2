"""Suppliers and their terms per article. Purchase orders: services_orders; goods receipts and
the average purchase price: services_receipts."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.money import has_at_most_places
from kontorhaus.core.transactions import operation

from .models import Supplier, SupplierTerms

SUPPLIER_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
VAT_ID = re.compile(r"^[A-Z]{2}[A-Za-z0-9+*.]{2,12}$")
LANGUAGES = ("de", "en")
MAX_PRICE = Decimal("9999999999")
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class SupplierData:
    name: str
    email: str
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "DE"
    contact_name: str = ""
    phone: str = ""
    currency: str = "EUR"
    payment_terms_days: int = 30
    vat_id: str = ""
    language: str = "de"
    active: bool = True


@dataclass(frozen=True)
class SupplierTermsData:
    purchase_price: Decimal
    supplier_sku: str = ""
    pack_size: int = 1
    minimum_order_quantity: int = 1
    lead_time_days: int = 0
    preferred: bool = False


_LENGTHS = {"name": 200, "street": 200, "postal_code": 16, "city": 100, "contact_name": 120, "phone": 40}


def _clean_supplier(data: SupplierData) -> dict:  # noqa: C901, PLR0912 -- one check per field, each named
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.__dict__.items()}
    if not values["name"]:
        raise InvalidInput("a supplier needs a name", details={"field": "name"})
    for field, limit in _LENGTHS.items():
        if len(values[field]) > limit:
            raise InvalidInput(f"{field} is longer than {limit} characters", details={"field": field})
    try:
        validate_email(values["email"])
    except ValidationError:
        raise InvalidInput("not a valid e-mail address", details={"field": "email"}) from None
    if len(values["email"]) > 254:
        raise InvalidInput("the e-mail address is too long", details={"field": "email"})
    values["email"] = values["email"].lower()
    values["currency"] = values["currency"].upper()
    if not CURRENCY.match(values["currency"]):
        raise InvalidInput("the currency is a three-letter ISO code like EUR", details={"field": "currency"})
    values["country"] = values["country"].upper()
    if not COUNTRY.match(values["country"]):
        raise InvalidInput("the country is a two-letter ISO code like DE", details={"field": "country"})
    if isinstance(values["payment_terms_days"], bool) or not 0 <= values["payment_terms_days"] <= 365:
        raise InvalidInput("payment terms are 0 to 365 days", details={"field": "payment_terms_days"})
    values["vat_id"] = values["vat_id"].replace(" ", "").upper()
    if values["vat_id"] and not VAT_ID.match(values["vat_id"]):
        raise InvalidInput("not a VAT id (country code and 2-12 characters, e.g. DE123456789)",
                           details={"field": "vat_id"})
    if values["language"] not in LANGUAGES:
        raise InvalidInput("the language is de or en", details={"field": "language"})
    return values


@operation
def supplier_create(*, number: str, data: SupplierData, actor: Actor) -> Supplier:
    number = (number or "").strip()
    if not SUPPLIER_NUMBER.match(number):
        raise InvalidInput("a supplier number has 1-32 letters, digits, dots, dashes or underscores",
                           details={"field": "number"})
    values = _clean_supplier(data)
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(number=number, **values)
    except IntegrityError:
        raise InvalidInput(f"supplier {number} exists already", code="duplicate",
                           details={"field": "number"}) from None
    record(action=AuditAction.PURCHASING_SUPPLIER_CREATED, obj=supplier, actor=actor,
           data={"name": supplier.name, "email": supplier.email})
    return supplier


@operation
def supplier_update(*, supplier: Supplier, data: SupplierData, actor: Actor) -> Supplier:
    values = _clean_supplier(data)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    changed = {k: v for k, v in values.items() if getattr(supplier, k) != v}
    if changed:
        for field, value in changed.items():
            setattr(supplier, field, value)
        supplier.save(update_fields=list(changed))
        record(action=AuditAction.PURCHASING_SUPPLIER_UPDATED, obj=supplier, actor=actor,
               data={"fields": sorted(changed)})
    return supplier


def _check_terms(data: SupplierTermsData) -> None:
    price = data.purchase_price
    if not isinstance(price, Decimal) or not price.is_finite() or price < 0 or price > MAX_PRICE:
        raise InvalidInput("the purchase price is an amount of at least 0", details={"field": "purchase_price"})
    if not has_at_most_places(price, 4):
        raise InvalidInput("the purchase price has at most 4 decimal places", details={"field": "purchase_price"})
    if len(data.supplier_sku.strip()) > 64:
        raise InvalidInput("the supplier SKU is longer than 64 characters", details={"field": "supplier_sku"})
    for field, low, high in (("pack_size", 1, 100_000), ("minimum_order_quantity", 1, MAX_QUANTITY),
                             ("lead_time_days", 0, 365)):
        value = getattr(data, field)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"{field} is a whole number from {low} to {high}", details={"field": field})


@operation
def supplier_terms_set(*, supplier: Supplier, article: Article, data: SupplierTermsData,
                       actor: Actor) -> SupplierTerms:
    """Create or change what `supplier` charges for `article`. Marking it preferred takes the
    mark from the article's other supplier (one preferred supplier per article)."""
    if not article.is_stocked:
        raise InvalidInput(f"{article.sku} is not a stocked article", details={"field": "sku"})
    _check_terms(data)
    # Locks the article's terms rows, so two concurrent "preferred" marks queue up.
    others = list(SupplierTerms.objects.select_for_update().filter(article=article).order_by("pk"))
    if data.preferred:
        SupplierTerms.objects.filter(pk__in=[t.pk for t in others if t.supplier_id != supplier.pk and t.preferred]
                                     ).update(preferred=False)
    terms, _ = SupplierTerms.objects.update_or_create(supplier=supplier, article=article, defaults={
        "supplier_sku": data.supplier_sku.strip(), "purchase_price": data.purchase_price,
        "pack_size": data.pack_size, "minimum_order_quantity": data.minimum_order_quantity,
        "lead_time_days": data.lead_time_days, "preferred": data.preferred,
    })
    record(action=AuditAction.PURCHASING_SUPPLIER_TERMS_SET, obj=supplier, actor=actor,
           data={"sku": article.sku, "purchase_price": str(data.purchase_price), "pack_size": data.pack_size,
                 "minimum_order_quantity": data.minimum_order_quantity, "lead_time_days": data.lead_time_days,
                 "preferred": data.preferred})
    return terms
