import datetime as dt

import pytest

from kontorhaus.core import clock
from kontorhaus.documents import registry
from kontorhaus.documents.tests.factories import invoice_snapshot, register_snapshots

from .smtp import start_smtp_server

START = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


class Clock:
    def __init__(self, moment: dt.datetime):
        self.now = moment
        clock.freeze(moment)

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        clock.freeze(self.now)
        return self.now


@pytest.fixture
def frozen_clock():
    yield Clock(START)
    clock.unfreeze()


@pytest.fixture
def invoice_source():
    """The billing side, faked: serves RE-2026-000001 as a snapshot."""
    saved = dict(registry._sources)
    snapshot = invoice_snapshot()
    register_snapshots(snapshot)
    yield snapshot
    registry._sources.clear()
    registry._sources.update(saved)


@pytest.fixture
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "shop@kontorhaus.example"


@pytest.fixture
def smtp_server(settings):
    server, mailbox = start_smtp_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.server_address[1]
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    server.shutdown()
    server.server_close()


def order_context(**overrides):
    context = {
        "order_number": "AU-2026-000001",
        "customer_name": "Jörg Müßiggang",
        "placed_at": START,
        "lines": [
            {"name": "T-Shirt M", "quantity": "2", "gross": "39,98 €"},
            {"name": "Tasse <Kontorhaus>", "quantity": "1", "gross": "9,90 €"},
        ],
        "total_gross": "49,88 €",
        "invoice_number": "RE-2026-000001",
        "payment_method": "Vorkasse",
        "shop_name": "Kontorhaus Demo",
    }
    context.update(overrides)
    return context
