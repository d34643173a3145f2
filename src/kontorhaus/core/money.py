"""Money is Decimal, rounded ROUND_HALF_UP in this module only (STYLE 11)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor units for the currencies a shop here is likely to sell in; default 2.
_EXPONENT = {"JPY": 0, "HUF": 2, "ISK": 0, "KRW": 0, "CLP": 0}

ZERO = Decimal("0.00")


class MoneyError(ValueError):
    pass


def to_decimal(value: object) -> Decimal:
    """Parse an amount. Floats are refused: 0.1 + 0.2 must never reach an invoice."""
    if isinstance(value, float):
        raise MoneyError("floats are not accepted for money; send a string like \"19.99\"")
    if isinstance(value, bool):
        raise MoneyError("not an amount")
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise MoneyError(f"not an amount: {value!r}")
    if not result.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    return result


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency.upper(), 2)


def quantize(amount: Decimal, currency: str = "EUR") -> Decimal:
    places = exponent(currency)
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def db_amount(value: Decimal | None) -> Decimal:
    """An amount the database computed from money columns (a SUM, a difference), exact to their
    two places again: SQLite adds decimals as floats and hands back 15 significant digits
    (54.8800000000000, or 1E-14 for nothing). None (a sum over no rows) is zero."""
    if value is None:
        return ZERO
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def quantize_unit_price(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def discounted_unit_price(amount: Decimal, *percents: Decimal) -> Decimal:
    """A unit price after successive percentage discounts (line %, then document %), e.g.
    19.99 less 10 % less 5 % = 17.0915: exact in Decimal, rounded once, to unit-price places."""
    for percent in percents:
        amount = amount * (100 - percent) / 100
    return quantize_unit_price(amount)


def has_at_most_places(amount: Decimal, places: int) -> bool:
    return -amount.as_tuple().exponent <= places if amount.as_tuple().exponent < 0 else True


def plain(amount: Decimal) -> str:
    """A unit price as text: 2 decimals unless more are significant ("19.99", "0.1234")."""
    cents = amount.quantize(Decimal("0.01"))
    return str(cents) if cents == amount else str(amount.normalize())
