from decimal import Decimal

import pytest

from kontorhaus.core import vat
from kontorhaus.core.money import MoneyError, quantize, to_decimal

S19 = vat.TaxRate(Decimal("19.00"))
S7 = vat.TaxRate(Decimal("7.00"))


def lines(*spec):
    return [vat.TaxableLine(Decimal(q), Decimal(p), rate) for q, p, rate in spec]


def test_floats_are_refused_and_strings_parsed():
    with pytest.raises(MoneyError):
        to_decimal(0.1)
    with pytest.raises(MoneyError):
        to_decimal("abc")
    with pytest.raises(MoneyError):
        to_decimal("NaN")
    assert to_decimal("19.99") == Decimal("19.99")


def test_rounding_is_half_up_to_the_currency_exponent():
    assert quantize(Decimal("0.125")) == Decimal("0.13")
    assert quantize(Decimal("0.135")) == Decimal("0.14")
    assert quantize(Decimal("2.5"), "JPY") == Decimal("3")


def test_pretix_case_five_times_100_gross_at_19_percent_keeps_the_gross():
    # given 5 x 100.00 incl. 19 % VAT
    taxes = vat.compute(lines((5, "100.00", S19)), strategy=vat.Strategy.GROSS_BASED, currency="EUR")
    # then the customer pays exactly 500.00
    assert taxes.total_gross == Decimal("500.00")
    assert taxes.total_net == Decimal("420.17")
    assert taxes.total_tax == Decimal("79.83")


def test_pretix_case_net_based_gives_a_different_total():
    # given the same article priced net (84.0336 = 100 / 1.19)
    taxes = vat.compute(lines((5, "84.0336", S19)), strategy=vat.Strategy.NET_BASED, currency="EUR")
    assert taxes.total_net == Decimal("420.17")
    assert taxes.total_tax == Decimal("79.83")
    assert taxes.total_gross == Decimal("500.00")
    # and 5 single lines of 84.03 net add up differently, which is why the strategy is explicit
    taxes = vat.compute(lines(*[(1, "84.03", S19)] * 5), strategy=vat.Strategy.NET_BASED, currency="EUR")
    assert taxes.total_gross == Decimal("499.98")


def test_gross_based_line_nets_add_up_to_the_bucket_net():
    # given three lines whose individually rounded nets miss the bucket net by a cent
    taxes = vat.compute(
        lines((1, "0.99", S19), (1, "0.99", S19), (1, "0.99", S19), (1, "12.00", S7)),
        strategy=vat.Strategy.GROSS_BASED, currency="EUR",
    )
    # then per bucket sum(line nets) == bucket net, and the difference is recorded
    by_rate = {b.tax.rate: b for b in taxes.buckets}
    assert by_rate[Decimal("19.00")].gross == Decimal("2.97")
    assert by_rate[Decimal("19.00")].net == Decimal("2.50")
    assert sum(line.net for line in taxes.lines[:3]) == Decimal("2.50")
    assert by_rate[Decimal("19.00")].rounding_difference == Decimal("0.01")
    assert by_rate[Decimal("7.00")].net == Decimal("11.21")
    assert taxes.total_gross == Decimal("14.97")
    assert taxes.total_net + taxes.total_tax == taxes.total_gross


def test_net_based_tax_is_rounded_per_bucket_not_per_line():
    taxes = vat.compute(lines((1, "0.10", S19), (1, "0.10", S19), (1, "0.10", S19)),
                        strategy=vat.Strategy.NET_BASED, currency="EUR")
    assert taxes.total_net == Decimal("0.30")
    assert taxes.total_tax == Decimal("0.06")  # per line it would be 3 x 0.02
    assert taxes.total_gross == Decimal("0.36")


def test_zero_decimal_currency():
    taxes = vat.compute(lines((3, "333", S19)), strategy=vat.Strategy.GROSS_BASED, currency="JPY")
    assert taxes.total_gross == Decimal("999")
    assert taxes.total_net == Decimal("839")
    assert taxes.total_tax == Decimal("160")


@pytest.mark.parametrize(("count", "price"), [(10, "0.05"), (60, "0.01"), (7, "0.99"), (3, "33.33")])
def test_many_small_lines_keep_every_line_between_zero_and_its_gross(count, price):
    # given many small lines whose rounded nets drift from the bucket net by several cents
    taxes = vat.compute(lines(*[(1, price, S19)] * count), strategy=vat.Strategy.GROSS_BASED, currency="EUR")
    # then the lines add up to the bucket, and no line has a negative net or negative VAT
    assert sum(line.net for line in taxes.lines) == taxes.total_net
    assert taxes.total_net + taxes.total_tax == taxes.total_gross == Decimal(price) * count
    for line in taxes.lines:
        assert Decimal(0) <= line.net <= line.gross
        assert line.tax >= 0
