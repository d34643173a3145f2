"""SalesOrder.balance_due: what is still due on the order, derived with its payment state.

Existing orders get it by the rule of `billing.selectors.order_balance`: the latest invoice's
total less its credit notes (the order's total without an invoice, zero once cancelled), less
the order's payments net of refunds."""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import Sum

ZERO = Decimal("0.00")


def balance_due_fill(apps, schema_editor):
    SalesOrder = apps.get_model("sales", "SalesOrder")
    Invoice = apps.get_model("billing", "Invoice")
    CreditNote = apps.get_model("billing", "CreditNote")
    Payment = apps.get_model("billing", "Payment")
    invoices = {number: (pk, total) for pk, number, total in
                Invoice.objects.order_by("id").values_list("id", "order_number", "total_gross")}
    credited = dict(CreditNote.objects.order_by().values("invoice_id").annotate(s=Sum("total_gross"))
                    .values_list("invoice_id", "s"))
    net_paid = dict(Payment.objects.order_by().values("order_number").annotate(s=Sum("amount"))
                    .values_list("order_number", "s"))
    orders = []
    for order in SalesOrder.objects.only("id", "number", "status", "total_gross").iterator():
        if order.number in invoices:
            pk, total = invoices[order.number]
            owed = total - (credited.get(pk) or ZERO)
        else:
            owed = ZERO if order.status == "cancelled" else order.total_gross
        order.balance_due = owed - (net_paid.get(order.number) or ZERO)
        orders.append(order)
    SalesOrder.objects.bulk_update(orders, ["balance_due"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0006_line_delivered_quantity"),
        ("billing", "0004_refunds"),
    ]

    operations = [
        migrations.AddField(
            model_name="salesorder",
            name="balance_due",
            field=models.DecimalField(decimal_places=2, default=ZERO, max_digits=14),
            preserve_default=False,
        ),
        migrations.RunPython(balance_due_fill, migrations.RunPython.noop),
    ]
