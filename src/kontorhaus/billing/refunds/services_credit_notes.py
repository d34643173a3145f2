"""Partial credit notes: part of an invoice's gross credited back, split over its VAT rates.

What is split is what is LEFT: each VAT bucket of the invoice (gross, net, VAT) less what the
credit notes issued before credited at that rate. The gross is shared over the buckets in
proportion to their gross left, by largest remainder in the currency's smallest unit (whole
cents, integer arithmetic: no rounding and no cent lost or made up, and no bucket gets more
gross than it has left); each bucket's net and VAT are then derived from its gross as in the
gross-based strategy (net = q(gross / (1 + rate)), VAT = gross - net), but never more net or
VAT than the bucket has left. The note that credits everything that is left (the cancellation
of the rest, or a partial note of exactly the remaining gross) credits exactly the remaining
net and VAT per rate, so all notes of an invoice together credit its buckets to the cent. The
note's lines, buckets and totals add up exactly to the amount credited."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import NumberKind
from kontorhaus.core.money import ZERO, exponent, has_at_most_places, quantize
from kontorhaus.core.numbering import next_number
from kontorhaus.core.transactions import operation
from kontorhaus.documents.einvoice.build import customer_syntax, einvoice_xml

from ..models import CreditNote, Invoice
from ..snapshots import _common as snapshot_common  # the same header the printed note gets
from .states import CreditNoteKind


def invoice_uncredited_gross(*, invoice: Invoice) -> Decimal:
    """What of the invoice's gross no credit note (cancellation or partial) has credited yet."""
    credited = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total_gross"))["s"] or ZERO
    return max(quantize(invoice.total_gross - credited, invoice.currency), ZERO)  # SQLite sums carry 13 places


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


@dataclass(frozen=True)
class BucketLeft:
    """One VAT bucket of an invoice and what of it no credit note has credited yet."""

    source: dict  # the invoice's bucket as issued
    gross: Decimal
    net: Decimal
    tax: Decimal


def _key(bucket: dict) -> tuple[Decimal, str, str]:
    # Buckets of the same rate and category may be two OSS countries (AT 20 %, FR 20 %): each is
    # credited against its own country. Buckets issued before countries were recorded are DE.
    return Decimal(bucket["rate"]), str(bucket.get("category", "")), str(bucket.get("country") or "DE")


def invoice_uncredited_buckets(*, invoice: Invoice) -> list[BucketLeft]:
    """The invoice's VAT buckets (those with a gross) less what its credit notes credited per
    rate, category and country."""
    credited: dict[tuple[Decimal, str, str], list[Decimal]] = {}
    for breakdown in CreditNote.objects.filter(invoice=invoice).values_list("tax_breakdown", flat=True):
        for bucket in breakdown or []:
            sums = credited.setdefault(_key(bucket), [ZERO, ZERO, ZERO])
            sums[0] += Decimal(bucket["gross"])
            sums[1] += Decimal(bucket["net"])
            sums[2] += Decimal(bucket["tax"])
    left = []
    for source in invoice.tax_breakdown:
        if Decimal(source["gross"]) <= 0:
            continue
        gross, net, tax = credited.pop(_key(source), [ZERO, ZERO, ZERO])
        left.append(BucketLeft(source=source, gross=Decimal(source["gross"]) - gross,
                               net=Decimal(source["net"]) - net, tax=Decimal(source["tax"]) - tax))
    return left


def _bucket(left: BucketLeft, gross: Decimal, currency: str, *, final: bool) -> dict:
    if final:  # the last note: exactly what is left
        net, tax = left.net, left.tax
    else:
        net = quantize(gross / (1 + Decimal(left.source["rate"]) / 100), currency)
        net = max(min(net, left.net, gross), gross - left.tax, ZERO)  # never more net or VAT than is left
        tax = gross - net
    extra = {k: v for k, v in left.source.items() if k not in ("net", "tax", "gross", "rounding_difference")}
    return {**extra, "net": str(net), "tax": str(tax), "gross": str(gross), "rounding_difference": "0.00"}


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
    left = invoice_uncredited_buckets(invoice=invoice)
    final = amount_gross == sum((b.gross for b in left), ZERO) and all(
        b.gross >= 0 and b.net >= 0 and b.tax >= 0 for b in left)
    shares = [b.gross for b in left] if final else split_by_weight(amount_gross, [b.gross for b in left],
                                                                   invoice.currency)
    buckets = [_bucket(b, share, invoice.currency, final=final) for b, share in zip(left, shares, strict=True)
               if share or (final and (b.net or b.tax))]
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


# --- credit notes of given invoice lines (a return: what came back, at its own VAT rate) ------


@dataclass(frozen=True)
class CreditLine:
    """Part of one invoice line credited back: its gross and what the note says about it."""

    invoice_line: int  # the invoice line's position
    amount_gross: Decimal
    description: str = ""


def _credited_per_line(invoice: Invoice) -> dict[int, Decimal]:
    """Gross credited per invoice line by earlier notes that name their lines."""
    credited: dict[int, Decimal] = {}
    for lines in CreditNote.objects.filter(invoice=invoice).values_list("lines", flat=True):
        for line in lines or []:
            if line.get("invoice_line") is not None:
                credited[int(line["invoice_line"])] = credited.get(int(line["invoice_line"]), ZERO) + Decimal(
                    line["gross"])
    return credited


def _bucket_of(invoice_line, left: list[BucketLeft], taken: dict[int, Decimal], amount: Decimal) -> int:
    """The index of the invoice bucket the line's amount is credited against: same rate and
    category, with enough gross left (OSS buckets of equal rate in two countries: the first)."""
    rate, category = Decimal(invoice_line.tax_rate), invoice_line.tax_category
    matching = [i for i, b in enumerate(left)
                if Decimal(b.source["rate"]) == rate and str(b.source.get("category", "")) == category]
    for i in matching:
        if left[i].gross - taken.get(i, ZERO) >= amount:
            return i
    raise InvalidInput(f"line {invoice_line.position}: the invoice has no {rate:f} % {category} left to credit",
                       code="credit_exceeds_invoice", details={"field": "lines", "line": invoice_line.position})


def _check_credit_lines(invoice: Invoice, lines: list[CreditLine]) -> dict[int, object]:
    """The invoice lines, once each, every amount in cents, positive, and at most what of the
    line no earlier note credited."""
    if not lines:
        raise InvalidInput("name the invoice lines to credit", details={"field": "lines"})
    by_position = {line.position: line for line in invoice.lines.all()}
    credited = _credited_per_line(invoice)
    seen = set()
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        found = by_position.get(line.invoice_line)
        if found is None or line.invoice_line in seen:
            raise InvalidInput(f"{where}: invoice {invoice.number} has no line {line.invoice_line} (or it is named "
                               "twice)", details={"field": f"{where}.invoice_line"})
        seen.add(line.invoice_line)
        if line.amount_gross <= 0 or not has_at_most_places(line.amount_gross, exponent(invoice.currency)):
            raise InvalidInput(f"{where}: not an amount to credit: {line.amount_gross}",
                               details={"field": f"{where}.amount"})
        left = found.gross - credited.get(found.position, ZERO)
        if line.amount_gross > left:
            raise InvalidInput(f"{where}: only {left} {invoice.currency} of line {found.position} is left to credit",
                               code="credit_exceeds_line",
                               details={"field": f"{where}.amount", "uncredited": str(left)})
    return by_position


def _split_net(grosses: list[Decimal], bucket_net: Decimal, rate: Decimal, currency: str) -> list[Decimal]:
    """Each line's net from its gross; the last line takes what makes them add up to the bucket's."""
    nets = [quantize(g / (1 + rate / 100), currency) for g in grosses[:-1]]
    return [*nets, bucket_net - sum(nets, ZERO)]


def credit_note_draft_for_lines(*, invoice: Invoice, lines: list[CreditLine], reason: str) -> CreditNote:
    """The unsaved credit note of the given invoice lines (no number yet): each amount at its
    own line's VAT rate and category, per rate a bucket whose net and VAT add up to its gross."""
    invoice_lines = _check_credit_lines(invoice, lines)
    left, taken, groups = invoice_uncredited_buckets(invoice=invoice), {}, {}
    for line in lines:
        index = _bucket_of(invoice_lines[line.invoice_line], left, taken, line.amount_gross)
        taken[index] = taken.get(index, ZERO) + line.amount_gross
        groups.setdefault(index, []).append(line)
    if sum(taken.values(), ZERO) > invoice_uncredited_gross(invoice=invoice):
        raise InvalidInput(f"only {invoice_uncredited_gross(invoice=invoice)} {invoice.currency} of invoice "
                           f"{invoice.number} is left to credit", code="credit_exceeds_invoice",
                           details={"field": "lines"})
    buckets, note_lines = [], []
    for index in sorted(groups):
        bucket = _bucket(left[index], taken[index], invoice.currency,
                         final=taken[index] == left[index].gross and left[index].net >= 0 and left[index].tax >= 0)
        buckets.append(bucket)
        rate = Decimal(bucket["rate"])
        nets = _split_net([c.amount_gross for c in groups[index]], Decimal(bucket["net"]), rate, invoice.currency)
        for credit, net in zip(groups[index], nets, strict=True):
            source = invoice_lines[credit.invoice_line]
            gross = credit.amount_gross
            note_lines.append({
                "position": len(note_lines) + 1, "sku": source.sku, "invoice_line": source.position,
                "name": (credit.description or source.name)[:200], "quantity": "1",
                "unit_price": str(gross if invoice.prices_include_vat else net), "tax_rate": bucket["rate"],
                "tax_category": bucket["category"], "net": str(net), "tax": str(gross - net), "gross": str(gross)})
    return CreditNote(
        invoice=invoice, order_number=invoice.order_number, kind=CreditNoteKind.PARTIAL, issue_date=clock.today(),
        reason=reason[:200], currency=invoice.currency, lines=note_lines, tax_breakdown=buckets,
        total_net=sum((Decimal(b["net"]) for b in buckets), ZERO),
        total_vat=sum((Decimal(b["tax"]) for b in buckets), ZERO),
        total_gross=sum((Decimal(b["gross"]) for b in buckets), ZERO))


def _einvoice_check(note: CreditNote) -> None:
    """An issued note can never be changed: its EN 16931 XML (and the buyer's XRechnung) is
    built and checked from the draft, before it takes a number."""
    snapshot = {"kind": "credit_note", **snapshot_common(note, note.invoice), "number": "GS-DRAFT",
                "lines": note.lines, "paid": False, "refers_to": note.invoice.number,
                "refers_to_issue_date": note.invoice.issue_date.isoformat(), "credit_note_kind": note.kind,
                "notes": [*note.invoice.notes, *([note.reason] if note.reason else [])]}
    einvoice_xml(snapshot)
    syntax = customer_syntax(snapshot)
    if syntax is not None:
        einvoice_xml(snapshot, syntax=syntax)


@operation
def credit_note_issue_for_lines(*, invoice: Invoice, lines: list[CreditLine], reason: str,
                                actor: Actor) -> CreditNote:
    """Credit the given invoice lines back (e.g. the goods of a return and the outbound shipping):
    each at its own line's VAT rate, never more than the line has uncredited, nor more than the
    invoice; gaplessly numbered once it passed the e-invoice check."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    note = credit_note_draft_for_lines(invoice=invoice, lines=lines, reason=reason)
    _einvoice_check(note)
    note.number = next_number(kind=NumberKind.CREDIT_NOTE, on=note.issue_date)
    note.save(force_insert=True)
    record(action=AuditAction.BILLING_CREDIT_NOTE_ISSUED, obj=note, actor=actor, order_number=invoice.order_number,
           data={"invoice": invoice.number, "kind": CreditNoteKind.PARTIAL, "total_gross": str(note.total_gross),
                 "lines": [line.invoice_line for line in lines]})
    return note
