"""The dunning policy, read from settings.KONTORHAUS; pure functions, no database.

- An invoice bought on account is due `PAYMENT_TERM_DAYS` after its issue date.
- `DUNNING_LEVELS` lists the reminder levels by days after the due date, each with a fee and
  an e-mail template. Level n+1 follows only after level n was sent, and never sooner after it
  than the gap between the two levels' days: a first reminder sent late does not pull the
  second one forward onto the next day.
- Unpaid prepayment orders get one reminder `PREPAYMENT_REMINDER_DAYS` after the order and are
  cancelled `PREPAYMENT_CANCEL_DAYS` after it, on a run later than the reminder's day.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kontorhaus.core.money import MoneyError, to_decimal
from kontorhaus.notifications.models import EmailTemplate

DEFAULT_LEVELS = (
    {"days": 7, "fee": "0.00", "template": "payment_reminder"},
    {"days": 21, "fee": "5.00", "template": "payment_reminder"},
    {"days": 35, "fee": "10.00", "template": "payment_reminder"},
)
ON_ACCOUNT_METHODS = ("invoice",)
PREPAYMENT_METHOD = "prepayment"
CANCEL_REASON = "Zahlung nicht eingegangen"


@dataclass(frozen=True)
class DunningLevel:
    level: int  # 1, 2, ...
    days: int  # after the due date
    fee: Decimal
    template: str


@dataclass(frozen=True)
class SentNotice:
    level: int
    issue_date: dt.date


def _setting(name: str, default: object) -> object:
    return settings.KONTORHAUS.get(name, default)


def _days(name: str, default: int) -> int:
    value = _setting(name, default)
    if not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(f'KONTORHAUS["{name}"] must be a whole number of days >= 0, not {value!r}')
    return value


def payment_term_days() -> int:
    return _days("PAYMENT_TERM_DAYS", 14)


def pay_within_days() -> int:
    """The date a reminder asks for payment by: this many days after the reminder."""
    return _days("DUNNING_PAY_WITHIN_DAYS", 7)


def prepayment_reminder_days() -> int:
    return _days("PREPAYMENT_REMINDER_DAYS", 7)


def prepayment_cancel_days() -> int:
    return _days("PREPAYMENT_CANCEL_DAYS", 14)


def dunning_levels() -> tuple[DunningLevel, ...]:
    raw = _setting("DUNNING_LEVELS", DEFAULT_LEVELS)
    levels = []
    for number, entry in enumerate(raw, start=1):
        try:
            level = DunningLevel(level=number, days=int(entry["days"]), fee=to_decimal(entry.get("fee", "0")),
                                 template=EmailTemplate(entry.get("template") or "payment_reminder").value)
        except (KeyError, ValueError, TypeError, MoneyError) as exc:
            raise ImproperlyConfigured(f'KONTORHAUS["DUNNING_LEVELS"][{number - 1}] is invalid: {exc}') from exc
        if level.fee < 0 or level.days < 0 or (levels and level.days <= levels[-1].days):
            raise ImproperlyConfigured('KONTORHAUS["DUNNING_LEVELS"]: days must rise from level to level '
                                       "and fees must not be negative")
        levels.append(level)
    return tuple(levels)


def invoice_due_date(issue_date: dt.date) -> dt.date:
    return issue_date + dt.timedelta(days=payment_term_days())


def next_level(*, levels: Sequence[DunningLevel], due_date: dt.date, last: SentNotice | None,
               on: dt.date) -> DunningLevel | None:
    """The level to send on `on`, or None when nothing is due yet (or all levels were sent)."""
    number = last.level + 1 if last else 1
    if number > len(levels):
        return None
    level = levels[number - 1]
    if on < due_date + dt.timedelta(days=level.days):
        return None
    if last is not None:
        gap = level.days - levels[number - 2].days
        if on < last.issue_date + dt.timedelta(days=gap):
            return None
    return level
