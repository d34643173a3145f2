from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import operation
from kontorhaus.core.vat_rules import normalise_vat_id

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


EINVOICE_FORMATS = frozenset({"", "xrechnung_cii", "xrechnung_ubl"})


@operation
def customer_invoicing_set(*, customer: Customer, vat_id: str, einvoice_format: str, buyer_reference: str,
                           actor: Actor) -> Customer:
    """How the customer is invoiced: VAT id (intra-community supplies), and whether invoices go
    out as XRechnung beside the PDF, with the buyer reference (Leitweg-ID) it needs (BR-DE-15)."""
    vat_id = normalise_vat_id(vat_id)
    buyer_reference = buyer_reference.strip()
    if einvoice_format not in EINVOICE_FORMATS:
        raise InvalidInput("unknown e-invoice format", details={"field": "einvoice_format"})
    if einvoice_format and not buyer_reference:
        raise InvalidInput("XRechnung needs a buyer reference (Leitweg-ID)", details={"field": "buyer_reference"})
    if len(buyer_reference) > 64 or not all(c.isprintable() for c in buyer_reference):
        raise InvalidInput("the buyer reference has at most 64 printable characters",
                           details={"field": "buyer_reference"})
    customer = customer_lock(customer=customer)
    values = {"vat_id": vat_id, "einvoice_format": einvoice_format, "buyer_reference": buyer_reference}
    changed = {k: v for k, v in values.items() if getattr(customer, k) != v}
    if changed:
        for k, v in changed.items():
            setattr(customer, k, v)
        customer.save(update_fields=list(changed))
        record(action=AuditAction.CUSTOMERS_INVOICING_SET, obj=customer, actor=actor, data=changed)
    return customer
