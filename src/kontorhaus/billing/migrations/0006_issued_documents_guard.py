"""Issued invoices, their lines and credit notes can be neither changed nor deleted, also not
past the models (GoBD); only the status and the cancellation time may still change."""

from django.db import migrations

from kontorhaus.core.db.document_guards import drop_sql, guard_sql

GUARDED = {
    "billing_invoice": frozenset({"status", "cancelled_at"}),
    "billing_invoiceline": frozenset(),
    "billing_creditnote": frozenset({"status", "cancelled_at"}),
}


def _columns(schema_editor, table: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        return [c.name for c in schema_editor.connection.introspection.get_table_description(cursor, table)]


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, mutable in GUARDED.items():
        for statement in guard_sql(vendor, table, _columns(schema_editor, table), mutable):
            schema_editor.execute(statement, params=None)


def unguard(apps, schema_editor):
    for table in GUARDED:
        for statement in drop_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_invoice_vat_case")]
    operations = [migrations.RunPython(guard, unguard)]
