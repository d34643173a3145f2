from django.db import migrations

INDEXES = (
    ("order_name_trgm_idx", "customer_name"),
    ("order_company_trgm_idx", "customer_company"),
)


def create(apps, schema_editor):
    """Trigram indexes for the order search's substring match (icontains: UPPER(col) LIKE UPPER(%s)).
    PostgreSQL only; pg_trgm is a trusted extension (PostgreSQL 13+), the database owner may create it."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON sales_salesorder USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
