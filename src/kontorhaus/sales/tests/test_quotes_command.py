import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from kontorhaus.core import clock
from kontorhaus.sales.tests.factories_quotes import make_quote, two_articles

pytestmark = pytest.mark.django_db


def test_quotes_expire_marks_only_those_past_their_date():
    two_articles()
    old, fresh = make_quote(valid_days=1), make_quote(valid_days=30)
    out = StringIO()
    clock.freeze(clock.now() + dt.timedelta(days=2))
    try:
        call_command("kontorhaus_quotes", "expire", stdout=out)
    finally:
        clock.unfreeze()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("expired", "draft")
    assert "1 quote(s) expired" in out.getvalue()
    call_command("kontorhaus_quotes", "expire", stdout=out)  # again (today): nothing more
    assert out.getvalue().endswith("0 quote(s) expired\n")
