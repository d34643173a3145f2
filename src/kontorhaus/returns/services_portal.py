"""The portal's lookup throttle: a fixed-window counter per scope and key, safe across processes.

`portal_attempt_take` reserves one attempt with a guarded UPDATE (count < limit), so two
concurrent requests can never both take the last attempt, whichever process serves them."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from kontorhaus.core import clock

from .models_portal import PortalAttempt

KEEP = dt.timedelta(days=1)


def _hashed(key: str) -> str:
    # Salted with the secret key: the table never holds a client IP or an order number in clear.
    return hashlib.sha256(f"{settings.SECRET_KEY}|{key}".encode()).hexdigest()


def _window_start(moment: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(moment.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


@transaction.atomic
def portal_attempt_take(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """True when `key` still had an attempt left in this window (and uses it up), else False."""
    now = clock.now()
    window, hashed = _window_start(now, window_seconds), _hashed(key)
    try:
        with transaction.atomic():  # the window's first attempt may race another process
            PortalAttempt.objects.get_or_create(scope=scope, key=hashed, window=window)
    except IntegrityError:
        pass
    taken = PortalAttempt.objects.filter(scope=scope, key=hashed, window=window, count__lt=limit).update(
        count=F("count") + 1)
    PortalAttempt.objects.filter(window__lt=now - KEEP).delete()
    return taken == 1
