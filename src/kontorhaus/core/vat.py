"""VAT per document and rate bucket, with a named strategy (STYLE 12).

NET_BASED   (quotes, B2B): line net = q(qty x unit net); per rate tax = q(sum net x rate).
GROSS_BASED (shop orders with prices incl. VAT): the gross per rate is kept as the customer
            paid it; net = q(gross / (1 + rate)), tax = gross - net. Line nets are derived
            from line grosses; the cent they may differ from the bucket net is moved onto the
            bucket's largest line and recorded as `rounding_difference`, so the EN 16931 sums
            (sum of line nets = document net) hold and the document total equals what the
            customer paid.

The VAT *case* (domestic, EU OSS, reverse charge, export, small business) decides the rate and
category per line before this module runs; only `TaxRate` crosses that boundary, so new cases
add rates and categories, not arithmetic.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .money import ZERO, exponent, quantize


class Strategy(StrEnum):
    NET_BASED = "net_based"
    GROSS_BASED = "gross_based"


class VatCategory(StrEnum):
    """EN 16931 VAT category codes (UNTDID 5305)."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    NOT_SUBJECT = "O"


@dataclass(frozen=True)
class TaxRate:
    rate: Decimal  # percent, e.g. Decimal("19.00")
    category: VatCategory = VatCategory.STANDARD
    country: str = "DE"

    @property
    def key(self) -> str:
        return f"{self.category}:{self.country}:{self.rate}"


@dataclass(frozen=True)
class TaxableLine:
    quantity: Decimal
    unit_price: Decimal  # net or gross per the strategy
    tax: TaxRate


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class TaxBucket:
    tax: TaxRate
    net: Decimal
    amount: Decimal  # the VAT
    gross: Decimal
    rounding_difference: Decimal


@dataclass(frozen=True)
class DocumentTaxes:
    strategy: Strategy
    currency: str
    lines: tuple[LineAmounts, ...]
    buckets: tuple[TaxBucket, ...]

    @property
    def total_net(self) -> Decimal:
        return sum((b.net for b in self.buckets), ZERO)

    @property
    def total_tax(self) -> Decimal:
        return sum((b.amount for b in self.buckets), ZERO)

    @property
    def total_gross(self) -> Decimal:
        return sum((b.gross for b in self.buckets), ZERO)


def compute(lines: Sequence[TaxableLine], *, strategy: Strategy, currency: str) -> DocumentTaxes:
    if strategy is Strategy.GROSS_BASED:
        return _gross_based(lines, currency)
    return _net_based(lines, currency)


def _group(lines: Sequence[TaxableLine]) -> dict[TaxRate, list[int]]:
    groups: dict[TaxRate, list[int]] = {}
    for index, line in enumerate(lines):
        groups.setdefault(line.tax, []).append(index)
    return groups


def _spread(
    difference: Decimal, indexes: list[int], nets: list[Decimal], exact: dict[int, Decimal],
    grosses: list[Decimal], currency: str,
) -> None:
    """Move the bucket's rounding difference onto its lines, one smallest unit per line, to the
    lines whose own rounding went furthest the other way (largest remainder), never making a
    line's net negative or larger than its gross."""
    unit = Decimal(1).scaleb(-exponent(currency))
    step = unit if difference > 0 else -unit
    remaining = int(abs(difference) / unit)
    while remaining:
        ranked = sorted(indexes, key=lambda i: (exact[i] - nets[i]) * (1 if step > 0 else -1), reverse=True)
        movable = [i for i in ranked if ZERO <= nets[i] + step <= grosses[i]][:remaining]
        if not movable:  # cannot happen while the bucket net lies between 0 and its gross
            raise ArithmeticError("VAT rounding difference cannot be placed on the lines")
        for i in movable:
            nets[i] += step
        remaining -= len(movable)


def _net_based(lines: Sequence[TaxableLine], currency: str) -> DocumentTaxes:
    nets = [quantize(line.quantity * line.unit_price, currency) for line in lines]
    buckets = []
    line_taxes = [ZERO] * len(lines)
    for tax, indexes in _group(lines).items():
        net = sum((nets[i] for i in indexes), ZERO)
        amount = quantize(net * tax.rate / 100, currency)
        for i in indexes:  # informational per-line VAT; the bucket amount is authoritative
            line_taxes[i] = quantize(nets[i] * tax.rate / 100, currency)
        buckets.append(TaxBucket(tax=tax, net=net, amount=amount, gross=net + amount, rounding_difference=ZERO))
    amounts = tuple(LineAmounts(net=n, tax=t, gross=n + t) for n, t in zip(nets, line_taxes, strict=True))
    return DocumentTaxes(Strategy.NET_BASED, currency, amounts, tuple(buckets))


def _gross_based(lines: Sequence[TaxableLine], currency: str) -> DocumentTaxes:
    grosses = [quantize(line.quantity * line.unit_price, currency) for line in lines]
    nets = [ZERO] * len(lines)
    buckets = []
    for tax, indexes in _group(lines).items():
        divisor = 1 + tax.rate / 100
        gross = sum((grosses[i] for i in indexes), ZERO)
        net = quantize(gross / divisor, currency)
        exact = {i: grosses[i] / divisor for i in indexes}
        for i in indexes:
            nets[i] = quantize(exact[i], currency)
        difference = net - sum((nets[i] for i in indexes), ZERO)
        _spread(difference, indexes, nets, exact, grosses, currency)
        buckets.append(
            TaxBucket(tax=tax, net=net, amount=gross - net, gross=gross, rounding_difference=difference)
        )
    amounts = tuple(LineAmounts(net=n, tax=g - n, gross=g) for n, g in zip(nets, grosses, strict=True))
    return DocumentTaxes(Strategy.GROSS_BASED, currency, amounts, tuple(buckets))
