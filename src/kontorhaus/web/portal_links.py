"""Signed links into the customer portal, and the order lookup by order number + postal code.

A portal link is the customer's key to one order: `/portal/o/<token>/…`. The token is the order
number signed with Django's signing (HMAC with SECRET_KEY) and a salt per purpose, so a token
made for one purpose never opens another, and it carries its own expiry, so a link in an old
e-mail stops working. Nothing is stored: a link cannot be revoked, only outlived.

Purposes: "order" opens every page of the order (landing, tracking, withdrawal, return) — the
e-mail links, the QR code on the return slip and the lookup use it; "tracking", "withdrawal" and
"return" open only their page (for a link that should do no more).

The lookup answers the same for an unknown order and a wrong postal code (so it cannot tell
whether an order number exists), compares in constant time, and is rate-limited per client IP and
per order number through a counter table (returns.services_portal), which holds across processes.
"""

import datetime as dt
import hmac

from django.core import signing
from django.urls import reverse

from kontorhaus.core import clock
from kontorhaus.returns.selectors_portal import order_postal_codes
from kontorhaus.returns.services_portal import portal_attempt_take

ORDER, TRACKING, WITHDRAWAL, RETURN = "order", "tracking", "withdrawal", "returns"
PURPOSES = (ORDER, TRACKING, WITHDRAWAL, RETURN)
# The page each purpose leads to, by URL name (web/urls_portal.py).
_PAGES = {ORDER: "web:portal_order", TRACKING: "web:portal_tracking", WITHDRAWAL: "web:portal_withdrawal",
          RETURN: "web:portal_return"}
_SALT = "kontorhaus.portal.{purpose}"

LOOKUP_WINDOW_SECONDS = 15 * 60
LOOKUP_LIMIT_PER_IP = 20
LOOKUP_LIMIT_PER_ORDER = 5
LOOKUP_DAYS = 1  # a link made by the lookup is for this visit, not for keeping
MAX_NUMBER = 32
MAX_POSTAL = 16


class LookupThrottled(Exception):
    """Too many lookups from this client or for this order number in the current window."""


def portal_token_make(*, order_number: str, purpose: str, max_age_days: int) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown portal link purpose {purpose!r}")
    expires = int((clock.now() + dt.timedelta(days=max_age_days)).timestamp())
    return signing.dumps({"o": order_number, "e": expires}, salt=_SALT.format(purpose=purpose), compress=True)


def portal_link_make(*, order_number: str, purpose: str, max_age_days: int) -> str:
    """The path (without host) of the portal page for `purpose`, valid `max_age_days` days.
    Prefix KONTORHAUS["PUBLIC_URL"] for an e-mail or a QR code."""
    token = portal_token_make(order_number=order_number, purpose=purpose, max_age_days=max_age_days)
    return reverse(_PAGES[purpose], kwargs={"token": token})


def portal_link_read(token: str, *, purpose: str) -> str | None:
    """The order number the token was made for, or None if it is tampered with, made for
    another purpose, malformed or expired."""
    if purpose not in PURPOSES or not token or len(token) > 512:
        return None
    try:
        payload = signing.loads(token, salt=_SALT.format(purpose=purpose))
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    number, expires = payload.get("o"), payload.get("e")
    if not isinstance(number, str) or not isinstance(expires, int):
        return None
    if clock.now().timestamp() >= expires:
        return None
    return number


def portal_link_read_for_page(token: str, *, page: str) -> str | None:
    """A page opens with a token made for itself or for the whole order."""
    return portal_link_read(token, purpose=page) or (portal_link_read(token, purpose=ORDER) if page != ORDER else None)


def _postal_normal(value: str) -> str:
    return "".join(value.split()).upper()


def portal_lookup(*, order_number: str, postal_code: str, client_ip: str) -> str | None:
    """The order number when `postal_code` matches the order's shipping or billing address,
    else None — the same None for an unknown order. Raises LookupThrottled past the limits
    (every attempt counts, right or wrong, so guessing costs the same as asking)."""
    number = order_number.strip()[:MAX_NUMBER]
    postal = _postal_normal(postal_code)[:MAX_POSTAL]
    allowed_ip = portal_attempt_take(scope="lookup_ip", key=client_ip or "-", limit=LOOKUP_LIMIT_PER_IP,
                                     window_seconds=LOOKUP_WINDOW_SECONDS)
    allowed_order = portal_attempt_take(scope="lookup_order", key=number.upper(), limit=LOOKUP_LIMIT_PER_ORDER,
                                        window_seconds=LOOKUP_WINDOW_SECONDS)
    if not (allowed_ip and allowed_order):
        raise LookupThrottled
    found = order_postal_codes(number=number) if number else None
    exact, known = found if found else ("", [])
    # An unknown order compares against a value no postal code can equal, so both paths do the
    # same work; compare_digest on every candidate, no early exit.
    candidates = [_postal_normal(c) for c in known] or ["\x00" * MAX_POSTAL]
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(candidate.encode(), postal.encode())
    return exact if matched and known and postal else None
