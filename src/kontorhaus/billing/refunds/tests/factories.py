"""Orders paid by bank, by PSP or by hand, through the real flows."""

from decimal import Decimal

from kontorhaus.billing.bank.tests.factories import statement, tx
from kontorhaus.billing.models import Payment
from kontorhaus.billing.services import PaymentData
from kontorhaus.billing.states import PaymentSource
from kontorhaus.flows.bank_statement_import import bank_statement_import
from kontorhaus.flows.payment_received import payment_received
from kontorhaus.flows.psp_payment import PspPayment, psp_payment_received
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER, make_article, place_order

CUSTOMER_IBAN = "DE89370400440532013000"


def mixed_vat_order() -> SalesOrder:
    """2 x 19.99 (19 %) + 4.90 shipping + 1 x 10.00 (7 %) = 54.88; buckets 44.88 at 19 %, 10.00 at 7 %."""
    make_article(stock=5)
    make_article(sku="BOOK", price="10.00", vat_class="reduced", stock=5)
    return place_order(lines=[("TSHIRT-M", 2, "19.99"), ("BOOK", 1, "10.00")]).order


def simple_order() -> SalesOrder:
    """2 x 19.99 + 4.90 shipping = 44.88, all at 19 %."""
    make_article(stock=5)
    return place_order().order


def pay_by_bank(order: SalesOrder, amount: str, *, name: str = "Jürgen Müller-Lüdenscheidt & Söhne") -> Payment:
    invoice_number = order.number  # the remittance names the order
    bank_statement_import(statements=[statement(tx(invoice_number, amount, name=name))],
                          file_sha256=f"sha-{order.number}-{amount}", actor=TESTER)
    return Payment.objects.filter(order_number=order.number, source=PaymentSource.BANK).latest("id")


def pay_by_psp(order: SalesOrder, amount: str, *, provider: str = "stripe", payment_id: str = "pi_3Q1") -> Payment:
    psp_payment_received(payment=PspPayment(provider=provider, payment_id=payment_id, reference=order.number,
                                            amount=Decimal(amount), currency="EUR",
                                            method="card" if provider == "stripe" else "paypal"), actor=TESTER)
    return Payment.objects.get(source=PaymentSource.PSP, external_id=f"{provider}:{payment_id}")


def pay_by_hand(order: SalesOrder, amount: str) -> Payment:
    return payment_received(order=order, data=PaymentData(order_number=order.number, amount=Decimal(amount),
                                                          currency="EUR", method="prepayment",
                                                          source=PaymentSource.MANUAL), actor=TESTER)
