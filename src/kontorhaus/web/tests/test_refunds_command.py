"""`kontorhaus refunds sepa-export [--out FILE]`."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from kontorhaus import cli
from kontorhaus.billing.models_refunds import SepaExport
from kontorhaus.billing.refunds.tests.factories import pay_by_bank, simple_order
from kontorhaus.flows.refund import refund_request
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db


def test_the_sepa_export_writes_the_file_once(tmp_path):
    # given a bank refund of 10.00
    order = simple_order()
    payment = pay_by_bank(order, "44.88")
    refund_request(order=order, payment=payment, amount=Decimal("10.00"), reason="", with_credit_note=True,
                   actor=TESTER)
    out = tmp_path / "refunds.xml"
    # when the CLI exports (it delegates to the management command)
    parsed = cli.build_parser().parse_args(["refunds", "sepa-export", "--out", str(out)])
    assert cli.COMMANDS[parsed.command](parsed) == 0
    # then the file holds the transfer and is stored
    assert b"<CtrlSum>10.00</CtrlSum>" in out.read_bytes()
    assert SepaExport.objects.get().sha256
    # and a second export has nothing to write
    err = StringIO()
    call_command("kontorhaus_refunds", "sepa-export", "--out", str(tmp_path / "again.xml"), stderr=err)
    assert "no bank refunds to export" in err.getvalue()
    assert not (tmp_path / "again.xml").exists()
