import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from kontorhaus.billing.models import CreditNote, Payment
from kontorhaus.billing.models_refunds import Refund, SepaExport
from kontorhaus.billing.refunds.states import CreditNoteKind, RefundMethod, RefundStatus
from kontorhaus.billing.refunds.tests.factories import (
    CUSTOMER_IBAN,
    pay_by_bank,
    pay_by_hand,
    simple_order,
)
from kontorhaus.billing.sepa import NS
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.refund import BankAccount, order_overpaid_amount, refund_overpayment, refund_request
from kontorhaus.flows.refund_settle import refund_sepa_export
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.states import PaymentState
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
N = {"p": NS}


def state(order: SalesOrder) -> str:
    return SalesOrder.objects.get(pk=order.pk).payment_state


def test_a_bank_refund_goes_out_in_one_sepa_file_once_and_the_order_becomes_partially_refunded():
    # given an order of 44.88 paid by bank transfer from Jürgen Müller-Lüdenscheidt & Söhne
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    assert state(order) == PaymentState.PAID
    # when 10.00 is refunded with a credit note
    refund = refund_request(order=order, payment=payment, amount=Decimal("10.00"), reason="Kulanz",
                            with_credit_note=True, actor=TESTER)
    # then the refund waits for the bank file, to the account the money came from
    assert (refund.method, refund.status, refund.iban) == (RefundMethod.BANK, RefundStatus.REQUESTED, CUSTOMER_IBAN)
    assert refund.credit_note.kind == CreditNoteKind.PARTIAL and refund.credit_note.total_gross == Decimal("10.00")
    # and the credit note lowers what is owed at once: until the money leaves, the order holds
    # the customer's 10.00 (overpaid), and nothing is due
    assert state(order) == PaymentState.OVERPAID
    assert SalesOrder.objects.get(pk=order.pk).balance_due == Decimal("-10.00")
    # when the SEPA file is exported
    export = refund_sepa_export(actor=TESTER)
    # then it pays 10.00 to that IBAN, the name in the SEPA character set
    root = ET.fromstring(bytes(export.xml))  # noqa: S314 -- our own file
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=N) == "1"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=N) == "10.00"
    tx = root.find("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", N)
    assert tx.findtext("p:Amt/p:InstdAmt", namespaces=N) == "10.00"
    assert tx.findtext("p:Cdtr/p:Nm", namespaces=N) == "Juergen Mueller-Luedenscheidt + Soehne"
    assert tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=N) == CUSTOMER_IBAN
    assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=N) == refund.reference
    invoice = refund.credit_note.invoice.number
    assert tx.findtext("p:RmtInf/p:Ustrd", namespaces=N) == f"Erstattung {invoice} {refund.credit_note.number} " \
                                                           f"{order.number}"
    # and the refund is sent with the file, booked as a negative payment: partially refunded
    refund.refresh_from_db()
    assert (refund.status, refund.exported_in) == (RefundStatus.SENT, export)
    assert Payment.objects.get(external_id=f"refund:{refund.reference}").amount == Decimal("-10.00")
    assert state(order) == PaymentState.PARTIALLY_REFUNDED
    # and a second export has nothing left: never exported twice
    assert refund_sepa_export(actor=TESTER) is None
    assert SepaExport.objects.count() == 1


def test_refunding_the_whole_payment_makes_the_order_refunded():
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    refund_request(order=order, payment=payment, amount=Decimal("44.88"), reason="Rückgabe",
                   with_credit_note=True, actor=TESTER)
    refund_sepa_export(actor=TESTER)
    assert state(order) == PaymentState.REFUNDED


def test_more_than_the_payment_is_never_refunded_and_a_refused_refund_leaves_nothing_behind():
    # given a payment of 44.88 of which 40.00 are being refunded
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    refund_request(order=order, payment=payment, amount=Decimal("40.00"), reason="", with_credit_note=True,
                   actor=TESTER)
    # when 5.00 more are asked for
    with pytest.raises(InvalidInput) as refused:
        refund_request(order=order, payment=payment, amount=Decimal("5.00"), reason="", with_credit_note=True,
                       actor=TESTER)
    # then it is refused, and neither a refund nor a credit note was stored
    assert refused.value.code == "refund_exceeds_payment"
    assert Refund.objects.count() == 1
    assert CreditNote.objects.count() == 1


def test_invoiced_money_goes_back_only_with_a_credit_note():
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    with pytest.raises(InvalidInput) as refused:
        refund_request(order=order, payment=payment, amount=Decimal("5.00"), reason="", with_credit_note=False,
                       actor=TESTER)
    assert refused.value.code == "refund_needs_credit_note"
    assert not Refund.objects.exists()


def test_a_paid_order_cancelled_is_refunded_against_its_cancellation_credit_note():
    # given a paid order, then cancelled (its invoice cancelled by a credit note)
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    order_cancel(order=order, actor=TESTER, reason="Kunde storniert")
    cancellation = CreditNote.objects.get(order_number=order.number)
    # when the payment is refunded
    refund = refund_request(order=order, payment=payment, amount=Decimal("44.88"), reason="Storno",
                            with_credit_note=True, actor=TESTER)
    # then against the cancellation credit note, with no second credit note
    assert refund.credit_note == cancellation
    assert CreditNote.objects.filter(order_number=order.number).count() == 1
    refund_sepa_export(actor=TESTER)
    assert state(order) == PaymentState.REFUNDED


def test_an_overpayment_is_refunded_without_a_credit_note_or_kept_as_credit():
    # given 50.00 paid by hand for an order of 44.88
    order = simple_order()
    payment = pay_by_hand(order, "50.00")
    # then, as long as nobody refunds it, the order stays overpaid: the customer's credit
    assert state(order) == PaymentState.OVERPAID
    assert order_overpaid_amount(order=order) == Decimal("5.12")
    # when the overpayment is refunded to an account entered by hand
    refund = refund_overpayment(order=order, payment=payment, actor=TESTER,
                                bank_account=BankAccount(iban="DE89 3704 0044 0532 0130 00", name="Erika Mustermann"))
    # then 5.12 goes back by bank, without a credit note; nothing more is overpaid
    assert (refund.amount, refund.credit_note, refund.method) == (Decimal("5.12"), None, RefundMethod.BANK)
    assert refund.iban == CUSTOMER_IBAN
    assert order_overpaid_amount(order=order) == Decimal("0.00")
    with pytest.raises(InvalidInput):
        refund_overpayment(order=order, payment=payment, actor=TESTER)
    refund_sepa_export(actor=TESTER)
    assert state(order) == PaymentState.PARTIALLY_REFUNDED


def test_a_bank_refund_needs_a_valid_iban():
    order = simple_order()
    payment = pay_by_hand(order, "50.00")
    with pytest.raises(InvalidInput) as refused:
        refund_overpayment(order=order, payment=payment, actor=TESTER,
                           bank_account=BankAccount(iban="DE89370400440532013001", name="Erika Mustermann"))
    assert refused.value.code == "invalid_iban"
    assert not Refund.objects.exists()


def test_a_refund_by_hand_is_done_and_booked_at_once():
    order = simple_order()
    payment = pay_by_hand(order, "44.88")
    refund = refund_request(order=order, payment=payment, amount=Decimal("4.88"), reason="bar ausgezahlt",
                            with_credit_note=True, actor=TESTER)
    assert (refund.method, refund.status) == (RefundMethod.MANUAL, RefundStatus.DONE)
    assert refund.booked_payment.amount == Decimal("-4.88")
    assert state(order) == PaymentState.PARTIALLY_REFUNDED
