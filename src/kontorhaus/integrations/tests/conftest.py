import pytest

from kontorhaus.integrations.psp import paypal
from kontorhaus.sales.tests.factories import make_article, place_order

from .psp import PAYPAL_WEBHOOK_ID, STRIPE_SECRET, PaypalSigner, certificate_server


@pytest.fixture
def webhook_secrets(settings):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
                           "PAYPAL_WEBHOOK_ID": PAYPAL_WEBHOOK_ID}


@pytest.fixture
def order(db):
    """An order of 44.88 EUR (2 x 19.99 + 4.90 shipping) with its invoice, unpaid."""
    make_article(sku="TSHIRT-M")
    return place_order()


@pytest.fixture(scope="session")
def paypal_signer() -> PaypalSigner:
    return PaypalSigner()


@pytest.fixture
def paypal_certificates(paypal_signer, monkeypatch):
    """PayPal's certificate host, played by a local server; yields the URLs fetched."""
    with certificate_server(paypal_signer.pem) as (store, fetched):
        monkeypatch.setattr(paypal, "certificates", store)
        yield fetched
