from django.db.models import Q, QuerySet

from kontorhaus.core.exceptions import NotFound

from .models import Customer


def customer_list(*, search: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.all()
    if search:
        query = Q(name__icontains=search) | Q(email__icontains=search) | Q(company__icontains=search)
        if search.upper().startswith("K-") and search[2:].isdigit():
            query |= Q(pk=int(search[2:]))
        customers = customers.filter(query)
    return customers.order_by("name", "id")


def customer_get(*, number: str) -> Customer:
    digits = number.upper().removeprefix("K-")
    if not digits.isdigit():
        raise NotFound(f"customer {number} not found")
    try:
        return Customer.objects.get(pk=int(digits))
    except Customer.DoesNotExist:
        raise NotFound(f"customer {number} not found")


def customer_lock(*, customer: Customer) -> Customer:
    """The customer's current row, locked until the caller's transaction ends."""
    return Customer.objects.select_for_update().get(pk=customer.pk)
