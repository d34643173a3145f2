"""The one clock. Tests freeze time by patching `_source`, never `timezone.now` directly."""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings

_source: Callable[[], dt.datetime] = lambda: dt.datetime.now(tz=dt.UTC)  # noqa: E731


def now() -> dt.datetime:
    """Aware UTC datetime."""
    return _source()


def today() -> dt.date:
    """The business date in the company's timezone."""
    return local_date(now())


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def freeze(moment: dt.datetime) -> None:
    """Used by tests and the demo loader to replay history at a given time."""
    global _source  # noqa: PLW0603
    _source = lambda: moment  # noqa: E731


def unfreeze() -> None:
    global _source  # noqa: PLW0603
    _source = lambda: dt.datetime.now(tz=dt.UTC)  # noqa: E731
