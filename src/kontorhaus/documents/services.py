import hashlib
import logging

from django.db import IntegrityError, transaction

from kontorhaus.core import clock
from kontorhaus.core.audit import SYSTEM, AuditAction, record

from .branding import branding_of
from .einvoice.build import EINVOICE_KINDS, einvoice_pdf
from .models import Document
from .registry import snapshot_for
from .rendering import render_pdf
from .selectors import document_get

logger = logging.getLogger(__name__)


def document_render(*, kind: str, number: str) -> Document:
    """The stored PDF for (kind, number), rendering and storing it first if needed.

    Rendering (CPU, tens of ms) runs outside any transaction; only the insert is atomic. When
    the worker and an on-demand request render the same document at once, the unique
    constraint lets the first insert win and the other caller returns the stored row, so both
    hand out identical bytes. Must not be called inside an open transaction that has to see
    the other writer's row (on PostgreSQL the IntegrityError is caught in a savepoint).

    Invoices and credit notes are Factur-X hybrids: their EN 16931 XML is built from the same
    snapshot, checked, and embedded before anything is stored. A failed check raises
    EInvoiceInvalid (code "einvoice_invalid") and stores nothing, so an e-mail that attaches
    the document fails and is retried like any other delivery problem.
    """
    existing = document_get(kind, number)
    if existing is not None:
        return existing
    snapshot = snapshot_for(kind, number)
    pdf = render_pdf(snapshot, branding=branding_of(snapshot.get("seller")))
    if kind in EINVOICE_KINDS:
        pdf = einvoice_pdf(snapshot, pdf)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                kind=kind,
                number=number,
                language=snapshot.get("language") or "",
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
                size=len(pdf),
                created_at=clock.now(),
            )
            record(
                action=AuditAction.DOCUMENTS_DOCUMENT_RENDERED,
                obj=document,
                actor=SYSTEM,
                order_number=snapshot.get("order_number") or "",
                data={"kind": kind, "sha256": document.sha256, "size": document.size},
            )
    except IntegrityError:
        logger.info("document %s %s was stored concurrently; using the stored one", kind, number)
        stored = document_get(kind, number)
        if stored is None:
            raise
        return stored
    return document
