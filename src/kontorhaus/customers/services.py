from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import operation

from .models import Customer
from .selectors import customer_lock


@dataclass(frozen=True)
class CustomerData:
    email: str
    name: str
    company: str = ""
    vat_id: str = ""
    phone: str = ""
    language: str = "de"
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "DE"


@operation
def customer_upsert(*, data: CustomerData) -> Customer:
    """Find the customer by e-mail or create them; contact data follows the newest order."""
    email = data.email.strip().lower()
    values = {k: v for k, v in data.__dict__.items() if k != "email"}
    customer = Customer.objects.filter(email=email).first()
    if customer is None:
        try:
            with transaction.atomic():
                return Customer.objects.create(email=email, **values)
        except IntegrityError:  # created by a concurrent order in the meantime
            customer = Customer.objects.get(email=email)
    changed = [k for k, v in values.items() if v and getattr(customer, k) != v]
    if changed:
        for k in changed:
            setattr(customer, k, values[k])
        customer.save(update_fields=changed)
    return customer


@operation
def customer_credit_limit_set(*, customer: Customer, limit: Decimal | None, actor: Actor) -> Customer:
    if limit is not None and limit < 0:
        raise InvalidInput("the credit limit must not be negative", details={"field": "credit_limit"})
    customer = customer_lock(customer=customer)
    previous = customer.credit_limit
    customer.credit_limit = limit
    customer.save(update_fields=["credit_limit"])
    record(action=AuditAction.CUSTOMERS_CREDIT_LIMIT_SET, obj=customer, actor=actor,
           data={"from": str(previous) if previous is not None else None,
                 "to": str(limit) if limit is not None else None})
    return customer
