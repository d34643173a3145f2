import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from kontorhaus.billing.dunning.policy import DunningLevel, SentNotice, dunning_levels, next_level

DUE = dt.date(2026, 12, 10)
LEVELS = (DunningLevel(1, 7, Decimal("0.00"), "payment_reminder"),
          DunningLevel(2, 21, Decimal("5.00"), "payment_reminder"),
          DunningLevel(3, 35, Decimal("10.00"), "payment_reminder"))


def day(offset: int) -> dt.date:
    return DUE + dt.timedelta(days=offset)


@pytest.mark.parametrize(("last", "on", "expected"), [
    (None, day(6), None),  # not yet
    (None, day(7), 1),
    (None, day(40), 1),  # late: still the first level first, never a jump
    (SentNotice(1, day(7)), day(20), None),
    (SentNotice(1, day(7)), day(21), 2),
    (SentNotice(1, day(30)), day(43), None),  # level 1 sent late: level 2 keeps its 14 days' gap
    (SentNotice(1, day(30)), day(44), 2),
    (SentNotice(2, day(21)), day(35), 3),
    (SentNotice(3, day(35)), day(400), None),  # all levels sent
])
def test_next_level(last, on, expected):
    # given the invoice's last notice, when a run happens on `on`, then this level is due
    level = next_level(levels=LEVELS, due_date=DUE, last=last, on=on)
    assert (level.level if level else None) == expected


def test_the_default_levels_are_read_with_exact_fees():
    # given the settings' levels, when they are read, then fees are Decimals
    assert [(lv.level, lv.days, lv.fee) for lv in dunning_levels()] == [
        (1, 7, Decimal("0.00")), (2, 21, Decimal("5.00")), (3, 35, Decimal("10.00"))]


@pytest.mark.parametrize("levels", [
    [{"days": 7, "fee": 5.0}],  # a float fee
    [{"days": 7}, {"days": 7}],  # days not rising
    [{"days": 7, "fee": "-1"}],
    [{"days": 7, "template": "no_such_template"}],
    [{"fee": "1.00"}],
])
def test_misconfigured_levels_are_refused_with_a_clear_error(settings, levels):
    # given levels that make no sense, when they are read, then the configuration is refused
    settings.KONTORHAUS = {**settings.KONTORHAUS, "DUNNING_LEVELS": levels}
    with pytest.raises(ImproperlyConfigured, match="DUNNING_LEVELS"):
        dunning_levels()
