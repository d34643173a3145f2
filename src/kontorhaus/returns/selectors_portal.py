"""What the portal's order lookup reads: an order's number and postal codes, nothing else."""

from kontorhaus.sales.models import SalesOrder


def order_postal_codes(*, number: str) -> tuple[str, list[str]] | None:
    """(the order's exact number, the postal codes of its shipping and billing address) for an
    order number typed in any case, or None."""
    row = (SalesOrder.objects.filter(number__iexact=number)
           .values_list("number", "shipping_address", "billing_address").first())
    if row is None:
        return None
    exact, shipping, billing = row
    codes = [str(address.get("postal_code") or "") for address in (shipping, billing) if isinstance(address, dict)]
    return exact, [code for code in codes if code.strip()]
