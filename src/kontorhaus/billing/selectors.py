from decimal import Decimal

from django.db.models import Q, Sum

from kontorhaus.core.exceptions import NotFound

from .models import CreditNote, Invoice, Payment


def invoice_get(*, number: str) -> Invoice:
    try:
        return Invoice.objects.get(number=number)
    except Invoice.DoesNotExist:
        raise NotFound(f"invoice {number} not found", details={"number": number})


def invoice_for_order(*, order_number: str) -> Invoice | None:
    return Invoice.objects.filter(order_number=order_number).order_by("-id").first()


def invoices_for_orders(*, order_numbers: list[str]) -> dict[str, Invoice]:
    return {i.order_number: i for i in Invoice.objects.filter(order_number__in=order_numbers).order_by("id")}


def credit_note_list_for_order(*, order_number: str) -> list[CreditNote]:
    return list(CreditNote.objects.filter(order_number=order_number).select_related("invoice"))


def credit_note_get(*, number: str) -> CreditNote:
    try:
        return CreditNote.objects.select_related("invoice").get(number=number)
    except CreditNote.DoesNotExist:
        raise NotFound(f"credit note {number} not found", details={"number": number})


def payment_list_for_order(*, order_number: str) -> list[Payment]:
    return list(Payment.objects.filter(order_number=order_number))


def payment_find(*, source: str, external_id: str) -> Payment | None:
    return Payment.objects.filter(source=source, external_id=external_id).first()


def order_payment_totals(*, order_number: str) -> tuple[Decimal, Decimal]:
    """(paid, refunded) for an order: refunds are negative payments."""
    sums = Payment.objects.filter(order_number=order_number).aggregate(
        paid=Sum("amount", filter=Q(amount__gt=0)), refunded=Sum("amount", filter=Q(amount__lt=0))
    )
    return sums["paid"] or Decimal("0.00"), -(sums["refunded"] or Decimal("0.00"))
