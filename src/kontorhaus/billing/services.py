import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import DomainError, IdempotencyConflict, InvalidInput
from kontorhaus.core.models import CompanyProfile, NumberKind
from kontorhaus.core.money import exponent, quantize
from kontorhaus.core.numbering import next_number
from kontorhaus.core.statemachine import transition
from kontorhaus.core.transactions import operation
from kontorhaus.documents.einvoice.build import customer_syntax, einvoice_xml

from .models import CreditNote, Invoice, InvoiceLine, Payment
from .refunds.services_credit_notes import credit_note_draft_partial, invoice_uncredited_gross
from .refunds.states import CreditNoteKind
from .snapshots import invoice_snapshot_of
from .states import TRANSITIONS, InvoiceStatus


@dataclass(frozen=True)
class InvoiceDraft:
    """What a flow hands billing about an order: billing knows orders only by number and
    this snapshot, so the invoice stays a valid document on its own."""

    order_number: str
    customer_number: str
    language: str
    currency: str
    prices_include_vat: bool
    tax_strategy: str
    payment_method: str
    buyer: dict
    shipping_address: dict | None
    lines: tuple[dict, ...]  # position, sku, name, quantity, unit_price, tax_rate, tax_category, net, tax, gross
    tax_breakdown: tuple[dict, ...]
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    delivery_date: dt.date
    vat_case: str = "domestic"
    notes: tuple[str, ...] = ()  # the VAT case's legal notes (core.vat_rules.notes_for)


def seller_snapshot() -> dict:
    # The logo is printed from the profile (bytes do not belong in a JSON snapshot, nor in every
    # order's query: up to 512 KB); its hash, kept by the profile, says which logo it was.
    profile = CompanyProfile.objects.defer("logo").first() or CompanyProfile()
    fields = [f.name for f in CompanyProfile._meta.concrete_fields if f.name not in {"id", "logo"}]
    return model_to_dict(profile, fields=fields)


@operation
def invoice_issue(*, draft: InvoiceDraft, actor: Actor) -> Invoice:
    """Issue the invoice with the next gapless number. The number is taken last, so the
    counter row stays locked only for the inserts that follow it."""
    if not draft.lines:
        raise InvalidInput("an invoice needs lines", details={"field": "lines"})
    seller = seller_snapshot()
    today = clock.today()
    invoice = Invoice(
        order_number=draft.order_number, customer_number=draft.customer_number, issue_date=today,
        delivery_date=draft.delivery_date, language=draft.language, currency=draft.currency,
        prices_include_vat=draft.prices_include_vat, tax_strategy=draft.tax_strategy,
        payment_method=draft.payment_method, seller=seller, buyer=draft.buyer,
        shipping_address=draft.shipping_address, tax_breakdown=list(draft.tax_breakdown),
        total_net=draft.total_net, total_vat=draft.total_vat, total_gross=draft.total_gross,
        vat_case=draft.vat_case, notes=list(draft.notes),
    )
    lines = [InvoiceLine(invoice=invoice, **line) for line in draft.lines]
    _einvoice_precheck(invoice, lines)  # before the number: a refused invoice takes none
    invoice.number = next_number(kind=NumberKind.INVOICE, on=today)
    invoice.save(force_insert=True)
    InvoiceLine.objects.bulk_create(lines)
    record(action=AuditAction.BILLING_INVOICE_ISSUED, obj=invoice, actor=actor, order_number=draft.order_number,
           data={"total_gross": str(invoice.total_gross)})
    return invoice


def _einvoice_precheck(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """An issued invoice can never be changed, so it must be a valid e-invoice before it is
    issued: its EN 16931 XML (and the XRechnung the buyer asked for) is built and checked from
    the draft — EInvoiceInvalid names the rule, e.g. the seller's VAT id missing for an export."""
    snapshot = {**invoice_snapshot_of(invoice, paid=False, lines=lines), "number": "RE-DRAFT"}
    einvoice_xml(snapshot)
    syntax = customer_syntax(snapshot)
    if syntax is not None:
        einvoice_xml(snapshot, syntax=syntax)


@operation
def credit_note_issue_cancellation(*, invoice: Invoice, reason: str, actor: Actor) -> CreditNote:
    """Cancel an invoice in full by a credit note that mirrors it (Stornorechnung)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    existing = CreditNote.objects.filter(invoice=invoice).first()
    if invoice.status == InvoiceStatus.CANCELLED and existing is not None:
        return existing
    fields = transition(invoice, to=InvoiceStatus.CANCELLED, table=TRANSITIONS,
                        action=AuditAction.BILLING_INVOICE_CANCELLED, actor=actor,
                        order_number=invoice.order_number, data={"reason": reason})
    invoice.save(update_fields=fields)
    left = invoice_uncredited_gross(invoice=invoice)
    if left < invoice.total_gross:  # partly credited before: the cancellation credits the rest
        note = credit_note_draft_partial(invoice=invoice, amount_gross=left, reason=reason,
                                         kind=CreditNoteKind.CANCELLATION)
        return _credit_note_save(note, actor=actor) if left > 0 else existing
    lines = [
        {"position": line.position, "sku": line.sku, "name": line.name, "quantity": str(line.quantity),
         "unit_price": str(line.unit_price), "tax_rate": str(line.tax_rate), "tax_category": line.tax_category,
         "net": str(line.net), "tax": str(line.tax), "gross": str(line.gross)}
        for line in invoice.lines.all()
    ]
    today = clock.today()
    note = CreditNote(
        invoice=invoice, order_number=invoice.order_number, issue_date=today, reason=reason[:200],
        currency=invoice.currency, lines=lines, tax_breakdown=invoice.tax_breakdown,
        total_net=invoice.total_net, total_vat=invoice.total_vat, total_gross=invoice.total_gross,
    )
    return _credit_note_save(note, actor=actor)


def _credit_note_save(note: CreditNote, *, actor: Actor) -> CreditNote:
    note.number = next_number(kind=NumberKind.CREDIT_NOTE, on=note.issue_date)
    note.save(force_insert=True)
    record(action=AuditAction.BILLING_CREDIT_NOTE_ISSUED, obj=note, actor=actor, order_number=note.order_number,
           data={"invoice": note.invoice.number, "kind": note.kind, "total_gross": str(note.total_gross)})
    return note


@dataclass(frozen=True)
class PaymentData:
    order_number: str
    amount: Decimal
    currency: str
    method: str
    source: str
    reference: str = ""
    external_id: str | None = None
    received_at: dt.datetime | None = None  # default: now


@operation
def payment_record(*, data: PaymentData, invoice: Invoice | None, actor: Actor) -> Payment:
    """Book a payment. The same (source, external_id) is booked once; a repeat returns it."""
    if data.amount == 0:
        raise InvalidInput("amount must not be zero", details={"field": "amount"})
    if quantize(data.amount, data.currency) != data.amount:
        raise InvalidInput(f"{data.currency} amounts have at most {exponent(data.currency)} decimals",
                           details={"field": "amount"})
    if invoice is not None and invoice.currency != data.currency:
        raise InvalidInput(f"payment in {data.currency} for an invoice in {invoice.currency}",
                           details={"field": "currency"})
    if data.external_id:
        existing = Payment.objects.filter(source=data.source, external_id=data.external_id).first()
        if existing is not None:
            if (existing.order_number, existing.amount, existing.currency) != (
                data.order_number, data.amount, data.currency
            ):
                raise IdempotencyConflict(
                    "a payment with this reference was booked for another order or amount",
                    details={"field": "external_id", "order": existing.order_number},
                )
            return existing
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order_number=data.order_number, invoice=invoice, amount=data.amount, currency=data.currency,
                method=data.method, source=data.source, reference=data.reference[:140],
                external_id=data.external_id or None, actor=str(actor),
                received_at=data.received_at or clock.now(),
            )
    except IntegrityError:
        # The same payment arrived at the same moment by another path and won: it is booked.
        existing = Payment.objects.filter(source=data.source, external_id=data.external_id).first()
        if existing is None:
            raise DomainError("the payment could not be booked", code="payment_conflict")
        return existing
    record(action=AuditAction.BILLING_PAYMENT_RECORDED, obj=payment, actor=actor, order_number=data.order_number,
           data={"amount": str(data.amount), "method": data.method, "source": data.source})
    return payment


from .refunds.services_credit_notes import credit_note_issue_partial  # noqa: E402, F401 -- partial credits, own module
