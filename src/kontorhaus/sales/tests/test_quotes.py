"""Quotes: totals with discounts, the VAT case, the lifecycle."""

import datetime as dt
from decimal import Decimal
from itertools import product

import pytest
from django.db import transaction

from kontorhaus.core import clock
from kontorhaus.core.audit import AuditAction
from kontorhaus.core.exceptions import InvalidInput, InvalidTransition
from kontorhaus.core.models import AuditEvent
from kontorhaus.core.money import discounted_unit_price
from kontorhaus.core.statemachine import transition
from kontorhaus.sales.models import Quote
from kontorhaus.sales.services_quotes import (
    QuoteData,
    QuoteLineData,
    article_price,
    quote_create,
    quote_decline,
    quote_send,
    quote_update,
    quotes_expire_due,
)
from kontorhaus.sales.states_quotes import QUOTE_TRANSITIONS, QuoteStatus

from .factories import TESTER
from .factories_quotes import make_customer, make_quote, two_articles

pytestmark = pytest.mark.django_db

DISCOUNTED = (("DESK", 3, "100.00", "10"), ("BOOK", 2, "24.99", "0"))


@pytest.fixture
def frozen():
    clock.freeze(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
    yield
    clock.unfreeze()


def _buckets(quote: Quote) -> list[tuple[str, str, str]]:
    return [(b["rate"], b["net"], b["tax"]) for b in quote.tax_breakdown]


def test_discounts_per_line_and_per_document_reduce_the_unit_price_before_vat():
    # given a desk at 100.00 net with 10 % off and a book at 24.99 net, 5 % off the whole quote
    two_articles()
    # when the quote is made
    quote = make_quote(lines=DISCOUNTED, discount="5")
    # then 100 x 0.9 x 0.95 = 85.50 and 24.99 x 0.95 = 23.7405 per unit, net per line, VAT per rate
    desk, book = quote.lines.all()
    assert (desk.discounted_unit_price, desk.net) == (Decimal("85.5000"), Decimal("256.50"))
    assert (book.discounted_unit_price, book.net) == (Decimal("23.7405"), Decimal("47.48"))
    assert _buckets(quote) == [("19.00", "256.50", "48.74"), ("7.00", "47.48", "3.32")]
    assert (quote.total_net, quote.total_vat, quote.total_gross) == (
        Decimal("303.98"), Decimal("52.06"), Decimal("356.04"))
    assert quote.number.startswith(f"AN-{clock.today().year}-")


def test_gross_priced_quote_keeps_the_gross_and_derives_net():
    # given the same quote with prices including VAT (119.00 and 26.74 gross)
    two_articles()
    # when
    quote = make_quote(lines=(("DESK", 3, "119.00", "10"), ("BOOK", 2, "26.74", "0")), discount="5",
                       prices_include_vat=True)
    # then 119 x 0.9 x 0.95 = 101.745 -> 3 x = 305.24 gross; 26.74 x 0.95 = 25.403 -> 2 x = 50.81 gross
    assert [line.gross for line in quote.lines.all()] == [Decimal("305.24"), Decimal("50.81")]
    assert _buckets(quote) == [("19.00", "256.50", "48.74"), ("7.00", "47.49", "3.32")]
    assert (quote.total_net, quote.total_vat, quote.total_gross) == (
        Decimal("303.99"), Decimal("52.06"), Decimal("356.05"))


def test_discount_helper_is_exact_and_rounds_once():
    assert discounted_unit_price(Decimal("19.99"), Decimal("10"), Decimal("5")) == Decimal("17.0915")
    assert discounted_unit_price(Decimal("10.00"), Decimal("100")) == Decimal("0.0000")


def test_without_a_price_the_article_price_net_of_german_vat_is_used():
    desk, book = two_articles()
    assert article_price(desk, prices_include_vat=False) == Decimal("100.00")
    assert article_price(book, prices_include_vat=False) == Decimal("24.99")
    quote = make_quote(lines=(("DESK", 1, None, "0"),))
    assert quote.lines.get().unit_price == Decimal("100.00")


def test_eu_business_customer_gets_an_intra_community_supply():
    # given an Austrian business with a valid VAT id
    two_articles()
    customer = make_customer(email="wien@example.com", vat_id="ATU13585627", country="AT", city="Wien")
    # when
    quote = make_quote(customer=customer, lines=DISCOUNTED, discount="5")
    # then no VAT, category K, and the legal note on the document
    assert quote.vat_case == "intra_community"
    assert {line.tax_category for line in quote.lines.all()} == {"K"}
    assert (quote.total_net, quote.total_vat, quote.total_gross) == (
        Decimal("303.98"), Decimal("0.00"), Decimal("303.98"))


def test_austrian_consumer_pays_austrian_vat_through_oss():
    # given an Austrian consumer (no VAT id)
    two_articles()
    customer = make_customer(email="privat@example.at", company="", country="AT", city="Graz")
    # when
    quote = make_quote(customer=customer, lines=(("DESK", 1, "100.00", "0"),))
    # then 20 % Austrian VAT
    assert quote.vat_case == "oss"
    line = quote.lines.get()
    assert (line.tax_rate, line.tax_category) == (Decimal("20.00"), "S")
    assert (quote.total_vat, quote.total_gross) == (Decimal("20.00"), Decimal("120.00"))


def test_only_drafts_can_be_edited():
    # given a sent quote
    two_articles()
    quote = make_quote()
    data = QuoteData(customer=quote.customer, valid_until=quote.valid_until,
                     lines=(QuoteLineData(quote.lines.get().article, 5, Decimal("1.00")),))
    quote = quote_update(quote=quote, data=data, actor=TESTER)  # a draft: fine
    assert quote.total_net == Decimal("5.00")
    quote_send(quote=quote, actor=TESTER)
    # when it is edited, then it is refused and unchanged
    with pytest.raises(InvalidTransition) as error:
        quote_update(quote=quote, data=data, actor=TESTER)
    assert error.value.code == "quote_not_editable"
    assert AuditEvent.objects.filter(action=AuditAction.SALES_QUOTE_UPDATED).count() == 1


def test_invalid_input_is_refused_and_nothing_stored():
    desk, _ = two_articles()
    customer = make_customer()
    bad = [
        QuoteData(customer=customer, valid_until=clock.today(), lines=()),
        QuoteData(customer=customer, valid_until=clock.today(), lines=(QuoteLineData(desk, 1, None, Decimal("101")),)),
        QuoteData(customer=customer, valid_until=clock.today(), lines=(QuoteLineData(desk, 0),)),
        QuoteData(customer=customer, valid_until=clock.today() - dt.timedelta(days=1), lines=(QuoteLineData(desk, 1),)),
        QuoteData(customer=customer, valid_until=clock.today(), discount_percent=Decimal("-1"),
                  lines=(QuoteLineData(desk, 1),)),
    ]
    for data in bad:
        with pytest.raises(InvalidInput):
            quote_create(data=data, actor=TESTER)
    assert not Quote.objects.exists()


def test_decline_is_final_and_idempotent():
    two_articles()
    quote = quote_decline(quote=make_quote(), actor=TESTER, reason="zu teuer")
    assert quote.status == QuoteStatus.DECLINED and quote.declined_at is not None
    quote_decline(quote=quote, actor=TESTER)
    assert AuditEvent.objects.filter(action=AuditAction.SALES_QUOTE_DECLINED).count() == 1
    with pytest.raises(InvalidTransition):
        quote_send(quote=quote, actor=TESTER)


def test_quotes_past_their_validity_expire_and_cannot_be_sent(frozen):
    two_articles()
    quote = make_quote(valid_days=10)
    clock.freeze(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    with pytest.raises(InvalidTransition) as error:
        quote_send(quote=quote, actor=TESTER)
    assert error.value.code == "quote_expired"
    assert quotes_expire_due(actor=TESTER) == 1
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED


@pytest.mark.parametrize(("frm", "to"), list(product(QuoteStatus.values, repeat=2)))
def test_transition_table_over_all_pairs(frm, to):
    quote = Quote(number="AN-TEST", status=frm)
    allowed = to in QUOTE_TRANSITIONS[frm] or frm == to
    with transaction.atomic():
        if allowed:
            transition(quote, to=to, table=QUOTE_TRANSITIONS, action=AuditAction.SALES_QUOTE_SENT, actor=TESTER)
            assert quote.status == to
        else:
            with pytest.raises(InvalidTransition):
                transition(quote, to=to, table=QUOTE_TRANSITIONS, action=AuditAction.SALES_QUOTE_SENT,
                           actor=TESTER)
