import datetime as dt

import pytest
from django.db import transaction

from kontorhaus.core.exceptions import NumberingUnavailable
from kontorhaus.core.models import NumberKind
from kontorhaus.core.numbering import next_number

DAY = dt.date(2026, 11, 26)


@pytest.mark.django_db
def test_numbers_count_up_per_kind_and_year():
    with transaction.atomic():
        assert next_number(kind=NumberKind.INVOICE, on=DAY) == "RE-2026-000001"
        assert next_number(kind=NumberKind.INVOICE, on=DAY) == "RE-2026-000002"
        assert next_number(kind=NumberKind.SALES_ORDER, on=DAY) == "AU-2026-000001"
        assert next_number(kind=NumberKind.INVOICE, on=dt.date(2027, 1, 1)) == "RE-2027-000001"


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        next_number(kind=NumberKind.INVOICE, on=DAY)
        raise Boom
    with transaction.atomic():
        assert next_number(kind=NumberKind.INVOICE, on=DAY) == "RE-2026-000001"


@pytest.mark.django_db(transaction=True)
def test_numbers_are_only_taken_inside_a_transaction():
    with pytest.raises(NumberingUnavailable):
        next_number(kind=NumberKind.INVOICE, on=DAY)
