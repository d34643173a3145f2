import datetime as dt
import io

import pytest

from kontorhaus.core import clock
from kontorhaus.inventory.selectors_stock import stock_csv_write, stock_ledger
from kontorhaus.inventory.services import stock_adjust
from kontorhaus.sales.tests.factories import TESTER, make_article

pytestmark = pytest.mark.django_db


def test_the_ledger_shows_the_last_moves_with_the_balance_of_all_before():
    article = make_article(sku="MUG")
    for delta in (5, 3, -2, 4, -1):
        stock_adjust(article=article, delta=delta, reason="adjustment", note="", actor=TESTER)
    rows = stock_ledger(article=article, limit=2)
    assert [(r.change, r.balance) for r in rows] == [(4, 10), (-1, 9)]
    assert [(r.change, r.balance) for r in stock_ledger(article=article)][0] == (5, 5)


def test_the_csv_cannot_carry_a_formula_in_any_text_cell():
    article = make_article(sku="=HYPERLINK(\"http://x\")", name="\t=1+1")
    stock_adjust(article=article, delta=2, reason="receipt", note="", actor=TESTER)
    out = io.StringIO()
    stock_csv_write(out, day=clock.today() + dt.timedelta(days=1))
    line = out.getvalue().splitlines()[1]
    assert "'=HYPERLINK" in line and ";'\t=1+1;" in line
