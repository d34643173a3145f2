import hashlib
import threading

import pytest
from django.db import connection

from kontorhaus.core.exceptions import NotFound
from kontorhaus.documents import registry
from kontorhaus.documents.models import Document
from kontorhaus.documents.selectors import document_get
from kontorhaus.documents.services import document_render
from kontorhaus.documents.tasks import document_render_task

from .factories import invoice_snapshot, register_snapshots


@pytest.mark.django_db
def test_render_stores_the_pdf_once():
    # given a registered invoice source
    register_snapshots(invoice_snapshot())
    # when the invoice is rendered twice
    first = document_render(kind="invoice", number="RE-2026-000001")
    second = document_render(kind="invoice", number="RE-2026-000001")
    # then one row is stored with its hash and both calls return it
    assert Document.objects.count() == 1
    assert first.pk == second.pk
    assert first.sha256 == hashlib.sha256(bytes(first.pdf)).hexdigest()
    assert first.size == len(bytes(first.pdf))
    assert document_get("invoice", "RE-2026-000001").pk == first.pk


@pytest.mark.django_db
def test_unknown_number_raises_not_found():
    # given a source that knows one invoice
    register_snapshots(invoice_snapshot())
    # when another number is asked for, then NotFound is raised and nothing is stored
    with pytest.raises(NotFound):
        document_render(kind="invoice", number="RE-2026-999999")
    with pytest.raises(NotFound):
        document_render(kind="delivery_note", number="LS-1")
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_task_renders_the_document():
    # given a registered credit note
    register_snapshots(invoice_snapshot(kind="credit_note"))
    # when the task runs
    document_render_task.call("credit_note", "GS-2026-000001")
    # then the document is stored
    assert document_get("credit_note", "GS-2026-000001") is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_renders_agree_on_the_first_stored():
    # given a source that is slow enough for two renders to overlap
    barrier = threading.Barrier(2)
    snapshot = invoice_snapshot()

    def source(number):
        barrier.wait(timeout=10)
        return snapshot

    register_snapshots(snapshot)

    registry.register_source("invoice", source)
    results = []

    def render():
        try:
            results.append(document_render(kind="invoice", number="RE-2026-000001"))
        finally:
            connection.close()

    # when the worker and a request render at once
    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one row exists and both got the same stored document
    assert Document.objects.count() == 1
    assert len(results) == 2
    assert results[0].pk == results[1].pk
    assert bytes(results[0].pdf) == bytes(results[1].pdf)
