"""Reading quotes: by number, lists for the back office, the customer's quotes."""

from django.db.models import Q, QuerySet

from kontorhaus.core.exceptions import NotFound

from .models_quotes import Quote
from .states_quotes import QuoteStatus


def quote_get(*, number: str) -> Quote:
    try:
        return Quote.objects.select_related("customer").get(number=number)
    except Quote.DoesNotExist:
        raise NotFound(f"quote {number} not found", details={"number": number})


def quote_lock(*, quote: Quote) -> Quote:
    """The quote's current row, locked until the caller's transaction ends."""
    return Quote.objects.select_for_update().select_related("customer").get(pk=quote.pk)


def quote_list(*, search: str = "", status: str = "") -> QuerySet[Quote]:
    quotes = Quote.objects.all()
    search = search.strip()
    if search:
        quotes = quotes.filter(
            Q(number__icontains=search) | Q(customer_name__icontains=search)
            | Q(customer_company__icontains=search) | Q(customer_email__icontains=search)
        )
    if status in QuoteStatus.values:
        quotes = quotes.filter(status=status)
    return quotes


def customer_quote_list(*, customer_id: int) -> QuerySet[Quote]:
    return Quote.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")
