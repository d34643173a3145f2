"""Partial credit notes: part of an invoice's gross credited back, split over its VAT rates.

The gross is shared over the invoice's VAT buckets in proportion to their gross, by largest
remainder in the currency's smallest unit (whole cents, integer arithmetic: no rounding and no
cent lost or made up); each bucket's net and VAT are then derived from its gross as in the
gross-based strategy (net = q(gross / (1 + rate)), VAT = gross - net), so the note's lines,
buckets and totals add up exactly to the amount credited."""

from decimal import Decimal

from django.db.models import Sum

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import NumberKind
from kontorhaus.core.money import ZERO, exponent, has_at_most_places, quantize
from kontorhaus.core.numbering import next_number
from kontorhaus.core.transactions import operation

from ..models import CreditNote, Invoice
from .states import CreditNoteKind


def invoice_uncredited_gross(*, invoice: Invoice) -> Decimal:
    """What of the invoice's gross no credit note (cancellation or partial) has credited yet."""
    credited = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total_gross"))["s"] or ZERO
    return max(invoice.total_gross - credited, ZERO)


def split_by_weight(amount: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """`amount` shared in proportion to `weights` (largest remainder, ties to the larger weight,
    then the earlier one); the parts add up to `amount` exactly."""
    places = exponent(currency)
    units = int(amount.scaleb(places))
    ints = [int(w.scaleb(places)) for w in weights]
    total = sum(w for w in ints if w > 0)
    if total <= 0:
        raise InvalidInput("the invoice has no amount to credit", code="nothing_to_credit")
    parts = [units * w // total if w > 0 else 0 for w in ints]
    remainders = [units * w % total if w > 0 else -1 for w in ints]
    leftover = units - sum(parts)
    order = sorted(range(len(ints)), key=lambda i: (remainders[i], ints[i], -i), reverse=True)
    for i in order[:leftover]:
        parts[i] += 1
    return [Decimal(p).scaleb(-places) for p in parts]


def _bucket(source: dict, gross: Decimal, currency: str) -> dict:
    rate = Decimal(source["rate"])
    net = quantize(gross / (1 + rate / 100), currency)
    extra = {k: v for k, v in source.items() if k not in ("net", "tax", "gross", "rounding_difference")}
    return {**extra, "net": str(net), "tax": str(gross - net), "gross": str(gross), "rounding_difference": "0.00"}


def _line(position: int, bucket: dict, invoice: Invoice, *, several: bool) -> dict:
    name = f"Erstattung zu Rechnung {invoice.number}"
    if several:
        name += f" ({Decimal(bucket['rate']).normalize():f} % USt.)"
    unit = bucket["gross"] if invoice.prices_include_vat else bucket["net"]
    return {"position": position, "sku": "", "name": name, "quantity": "1", "unit_price": unit,
            "tax_rate": bucket["rate"], "tax_category": bucket["category"], "net": bucket["net"],
            "tax": bucket["tax"], "gross": bucket["gross"]}


def credit_note_draft_partial(*, invoice: Invoice, amount_gross: Decimal, reason: str,
                              kind: str = CreditNoteKind.PARTIAL) -> CreditNote:
    """The unsaved credit note for `amount_gross` of the invoice (no number yet)."""
    sources = [b for b in invoice.tax_breakdown if Decimal(b["gross"]) > 0]
    shares = split_by_weight(amount_gross, [Decimal(b["gross"]) for b in sources], invoice.currency)
    buckets = [_bucket(src, share, invoice.currency) for src, share in zip(sources, shares, strict=True) if share]
    lines = [_line(i, b, invoice, several=len(buckets) > 1) for i, b in enumerate(buckets, start=1)]
    return CreditNote(
        invoice=invoice, order_number=invoice.order_number, kind=kind, issue_date=clock.today(),
        reason=reason[:200], currency=invoice.currency, lines=lines, tax_breakdown=buckets,
        total_net=sum((Decimal(b["net"]) for b in buckets), ZERO),
        total_vat=sum((Decimal(b["tax"]) for b in buckets), ZERO), total_gross=amount_gross,
    )


@operation
def credit_note_issue_partial(*, invoice: Invoice, amount_gross: Decimal, reason: str, actor: Actor) -> CreditNote:
    """Credit `amount_gross` of the invoice back (e.g. for a partial refund). Never more than
    what is still uncredited; a cancelled invoice has nothing left to credit."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if amount_gross <= 0 or not has_at_most_places(amount_gross, exponent(invoice.currency)):
        raise InvalidInput(f"not an amount to credit: {amount_gross}", details={"field": "amount"})
    left = invoice_uncredited_gross(invoice=invoice)
    if amount_gross > left:
        raise InvalidInput(f"only {left} {invoice.currency} of invoice {invoice.number} is left to credit",
                           code="credit_exceeds_invoice", details={"field": "amount", "uncredited": str(left)})
    note = credit_note_draft_partial(invoice=invoice, amount_gross=amount_gross, reason=reason)
    note.number = next_number(kind=NumberKind.CREDIT_NOTE, on=note.issue_date)
    note.save(force_insert=True)
    record(action=AuditAction.BILLING_CREDIT_NOTE_ISSUED, obj=note, actor=actor, order_number=invoice.order_number,
           data={"invoice": invoice.number, "kind": CreditNoteKind.PARTIAL, "total_gross": str(note.total_gross)})
    return note
