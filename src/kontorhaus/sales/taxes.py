"""The VAT of an order: the case per line (core.vat_rules) and the amounts (core.vat)."""

from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.core import clock, vat
from kontorhaus.core.models import CompanyProfile
from kontorhaus.core.vat_rules import (
    Buyer,
    SellerRegime,
    Supply,
    VatCase,
    case_for,
    document_case,
    normalise_vat_id,
    rate_for_case,
)


@dataclass(frozen=True)
class OrderTaxes:
    case: VatCase
    buyer_vat_id: str  # normalised, "" for none
    taxable: list[vat.TaxableLine]
    amounts: vat.DocumentTaxes


def seller_regime() -> SellerRegime:
    profile = CompanyProfile.objects.only("small_business", "oss_enabled").first()
    if profile is None:
        return SellerRegime()
    return SellerRegime(small_business=profile.small_business, oss_enabled=profile.oss_enabled)


def order_buyer(*, billing_address: dict, shipping_address: dict, vat_id: str) -> Buyer:
    return Buyer(
        ship_to=(shipping_address or billing_address).get("country") or "DE",
        resides_in=billing_address.get("country") or "DE",
        vat_id=normalise_vat_id(vat_id, field="customer.vat_id"),
    )


def order_taxes(*, lines: list[tuple[object, Decimal, Decimal]], shipping_price: Decimal | None, buyer: Buyer,
                strategy: vat.Strategy, currency: str) -> OrderTaxes:
    """`lines` are (article, quantity, unit price); shipping, if any, becomes the last line."""
    seller = seller_regime()
    today = clock.today()
    has_goods = any(article.is_stocked for article, _, _ in lines)
    taxable: list[vat.TaxableLine] = []
    cases: list[VatCase] = []
    for article, quantity, unit_price in lines:
        supply = Supply(vat_class=article.vat_class, product_category=article.product_category,
                        digital=not article.is_stocked)
        case = case_for(seller=seller, buyer=buyer, supply=supply, goods_in_order=has_goods)
        cases.append(case)
        taxable.append(vat.TaxableLine(quantity, unit_price, rate_for_case(case, supply=supply, buyer=buyer, on=today)))
    goods_cases = [c for (article, _, _), c in zip(lines, cases, strict=True) if article.is_stocked]
    headline = document_case(goods_cases or cases)
    if shipping_price is not None:
        supply = Supply(vat_class="standard", digital=not goods_cases)
        taxable.append(vat.TaxableLine(Decimal(1), shipping_price,
                                       rate_for_case(headline, supply=supply, buyer=buyer, on=today)))
        cases.append(headline)
    amounts = vat.compute(taxable, strategy=strategy, currency=currency)
    return OrderTaxes(case=headline, buyer_vat_id=buyer.vat_id, taxable=taxable, amounts=amounts)
