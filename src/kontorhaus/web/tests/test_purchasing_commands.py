"""`kontorhaus reorder` and `kontorhaus receive`: output, --create, receipt ids, bad input."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kontorhaus.inventory.selectors import stock_availability
from kontorhaus.purchasing.models import PurchaseOrder
from kontorhaus.purchasing.services_orders import purchase_order_send
from kontorhaus.purchasing.tests.factories import make_gtin_article, make_po, make_supplier, make_terms, set_policy
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db


def test_reorder_prints_creates_and_receive_books_once(capsys):
    shirt = make_gtin_article("SHIRT", gtin="4006381333931")
    make_terms(make_supplier(), shirt, pack=10)
    set_policy(shirt, reorder_point=5, target=25)
    call_command("kontorhaus_reorder")
    assert "order     30" in capsys.readouterr().out and not PurchaseOrder.objects.exists()
    call_command("kontorhaus_reorder", "--create")
    order = PurchaseOrder.objects.get()
    assert order.number in capsys.readouterr().out
    purchase_order_send(purchase_order=order, actor=TESTER)
    for _ in range(2):
        call_command("kontorhaus_receive", order.number, "4006381333931=10", "--receipt-id", "LS-4711")
    assert "already booked" in capsys.readouterr().out
    assert stock_availability(articles=[shirt])[shirt.pk].on_hand == 10


@pytest.mark.parametrize("args", [["BE-0", "SHIRT=1"], ["{number}", "SHIRT"], ["{number}", "SHIRT=0"],
                                  ["{number}", "SHIRT=99"], ["{number}", "NOPE=1"], ["{number}", "SHIRT=1@X"]])
def test_receive_refuses_bad_input_with_exit_2(args):
    shirt = make_gtin_article("SHIRT")
    supplier = make_supplier()
    make_terms(supplier, shirt)
    order = make_po(supplier, [(shirt, 5)])
    with pytest.raises(CommandError) as error:
        call_command("kontorhaus_receive", *[a.format(number=order.number) for a in args])
    assert error.value.returncode == 2
    assert stock_availability(articles=[shirt])[shirt.pk].on_hand == 0


def test_reorder_with_an_unknown_warehouse_exits_2():
    with pytest.raises(CommandError) as error:
        call_command("kontorhaus_reorder", "--warehouse", "NOPE")
    assert error.value.returncode == 2
