from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from kontorhaus.core.exceptions import NotFound
from kontorhaus.core.money import ZERO, db_amount

from .models import MONEY, CreditNote, Invoice, Payment
from .states import InvoiceStatus


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
    return db_amount(sums["paid"]), ZERO - db_amount(sums["refunded"])


CENT = Decimal("0.01")  # amounts are whole cents: "something due" is at least one


@dataclass(frozen=True)
class Balance:
    """What an order owes and what was paid for it — the one rule for "amount due".

    invoiced: the order's invoice total gross (the order's total while no invoice is issued)
    credited: the credit notes of that invoice (partial credits and the cancellation)
    paid:     the order's payments (> 0), whichever invoice or source they came with
    refunded: the order's refunds (negative payments), as a positive amount
    """

    invoiced: Decimal
    credited: Decimal
    paid: Decimal
    refunded: Decimal

    @property
    def owed(self) -> Decimal:
        return self.invoiced - self.credited

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.refunded

    @property
    def due(self) -> Decimal:
        """Still to pay: > 0 owed by the customer, < 0 the customer's credit (to be refunded)."""
        return self.owed - self.net_paid


def order_balance(*, order_number: str, order_total: Decimal) -> Balance:
    """The order's balance. `order_total` is what the order owes while it has no invoice (its
    total, or zero once cancelled); billing knows orders only by number. Three queries."""
    invoice = invoice_for_order(order_number=order_number)
    if invoice is None:
        invoiced, credited = order_total, ZERO
    else:
        invoiced = invoice.total_gross
        credited = db_amount(CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total_gross"))["s"])
    paid, refunded = order_payment_totals(order_number=order_number)
    return Balance(invoiced=invoiced, credited=credited, paid=paid, refunded=refunded)


def _sum_subquery(queryset: QuerySet, group: str, field: str) -> Coalesce:
    total = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total), Value(ZERO), output_field=DecimalField(**MONEY))


def invoice_open_list() -> QuerySet[Invoice]:
    """Issued invoices with something still due, annotated in SQL by the rule of `Balance`:
    `credited` (its credit notes), `net_paid` (payments less refunds of its order) and
    `due` = total gross - credited - net_paid, at least a cent (SQLite computes it in floats:
    read it through `core.money.db_amount`). Callers filter and order further."""
    credited = _sum_subquery(CreditNote.objects.filter(invoice=OuterRef("pk")), "invoice", "total_gross")
    net_paid = _sum_subquery(Payment.objects.filter(order_number=OuterRef("order_number")), "order_number", "amount")
    return (
        Invoice.objects.filter(status=InvoiceStatus.ISSUED)
        .annotate(credited=credited, net_paid=net_paid)
        .annotate(due=F("total_gross") - F("credited") - F("net_paid"))
        .filter(due__gte=CENT)
    )
