"""Invoices and credit notes taken at the same moment by many real processes' threads keep
both gapless number ranges unique and without a hole (GoBD), while refused orders roll back
beside them."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from kontorhaus.billing.models import CreditNote, Invoice
from kontorhaus.core import clock
from kontorhaus.core.exceptions import InsufficientStock
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_parallel_invoices_and_credit_notes_keep_both_ranges_gapless():
    # given 12 invoiced orders to cancel, and stock for 12 new orders, 6 of which must fail
    make_article(sku="PLENTY", stock=1000)
    make_article(sku="SCARCE", stock=6)
    to_cancel = [place_order(external_id=f"old-{i}", lines=[("PLENTY", 1, "5.00")]).order for i in range(12)]
    barrier = threading.Barrier(24)

    def cancel(order: SalesOrder) -> str:
        try:
            barrier.wait(timeout=30)
            order_cancel(order=order, actor=TESTER, reason="parallel")
            return "cancelled"
        finally:
            connection.close()

    def place(i: int) -> str:
        try:
            barrier.wait(timeout=30)
            place_order(external_id=f"new-{i}", require_stock=True,
                        lines=[("PLENTY", 1, "5.00"), ("SCARCE", 1, "7.00")])
            return "placed"
        except InsufficientStock:
            return "refused"
        finally:
            connection.close()

    # when 12 cancellations and 12 intakes run at once
    with ThreadPoolExecutor(max_workers=24) as pool:
        futures = [pool.submit(cancel, order) for order in to_cancel] + [pool.submit(place, i) for i in range(12)]
        results = [future.result(timeout=120) for future in futures]
    # then each range counts 1..n without a gap or a duplicate
    year = clock.today().year
    invoices = sorted(Invoice.objects.values_list("number", flat=True))
    notes = sorted(CreditNote.objects.values_list("number", flat=True))
    assert results.count("cancelled") == 12 and results.count("placed") == 6 and results.count("refused") == 6
    assert invoices == [f"RE-{year}-{i:06d}" for i in range(1, 12 + 6 + 1)]
    assert notes == [f"GS-{year}-{i:06d}" for i in range(1, 12 + 1)]
