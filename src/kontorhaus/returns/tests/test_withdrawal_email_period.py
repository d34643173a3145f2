"""The withdrawal confirmation names the shop's period for sending the goods back
(KONTORHAUS["RETURN_PERIOD_DAYS"]), in German and English, text and HTML; the refund promise
stays the statutory 14 days (§ 357 Abs. 1 BGB) whatever the setting."""

import pytest

from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.services import WithdrawalDeclaration
from kontorhaus.returns.states import Channel
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

from .factories import shipped_order

pytestmark = pytest.mark.django_db

SENTENCES = {
    "de": ("innerhalb von {days} Tagen zurück", "spätestens 14 Tage nach Eingang Ihres Widerrufs"),
    "en": ("back within {days} days", "no later than 14 days after we received your withdrawal"),
}


def confirmation(language: str) -> OutgoingEmail:
    order = shipped_order(1)
    SalesOrder.objects.filter(pk=order.pk).update(language=language)
    order.refresh_from_db()
    withdrawal_declare(order=order, declaration=WithdrawalDeclaration(
        customer_name="Erika Mustermann", customer_email=order.customer_email, channel=Channel.PORTAL), actor=TESTER)
    return OutgoingEmail.objects.get(template="withdrawal_confirmation", order_number=order.number)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("days", [14, 30])
def test_the_confirmation_names_the_shops_period(settings, language: str, days: int) -> None:
    settings.KONTORHAUS = {**settings.KONTORHAUS, "RETURN_PERIOD_DAYS": days}
    email = confirmation(language)
    assert email.language == language
    send_back, refund = SENTENCES[language]
    for body in (email.body_text, email.body_html):
        assert send_back.format(days=days) in body, body
        assert refund in body
    other = 30 if days == 14 else 14
    assert send_back.format(days=other) not in email.body_text
