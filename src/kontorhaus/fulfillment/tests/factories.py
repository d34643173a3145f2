"""Digital articles with a file and a licence-key pool, through the real services."""

import re
from decimal import Decimal

from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.catalog.models import Article
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.fulfillment.services import digital_asset_set, licence_keys_add
from kontorhaus.notifications.models import EmailTemplate, OutgoingEmail
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article

EBOOK_BYTES = b"%PDF-1.7\n% Kontorhaus test e-book\n"
LINK = re.compile(r"https?://\S+/d/([A-Za-z0-9_-]+)")


def make_ebook(*, sku: str = "EBOOK-1", price: str = "9.99", keys: int = 0, asset: bool = True,
               name: str = "Handbuch E-Book") -> Article:
    article = make_article(sku=sku, price=price, kind="digital", vat_class="reduced", name=name)
    if asset:
        digital_asset_set(article=article, filename=f"{sku.lower()}.pdf", content_type="application/pdf",
                          content=EBOOK_BYTES, actor=TESTER)
    if keys:
        licence_keys_add(article=article, keys=[f"{sku}-KEY-{n:04d}" for n in range(1, keys + 1)], actor=TESTER)
    return article


def pay(order: SalesOrder, amount: str | None = None, external_id: str | None = None) -> None:
    payment_received(order=order, data=PaymentData(
        order_number=order.number, amount=Decimal(amount) if amount else order.total_gross, currency="EUR",
        method="prepayment", source=PaymentSource.MANUAL, external_id=external_id), actor=TESTER)


def delivery_emails(order: SalesOrder) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(order_number=order.number, template=EmailTemplate.DIGITAL_DELIVERY))


def download_tokens(order: SalesOrder) -> list[str]:
    (email,) = delivery_emails(order)
    return LINK.findall(email.body_text)
