"""Load the shipped EU rate table once, so a new database knows every destination's rates."""

from django.db import migrations


def load(apps, schema_editor):
    from kontorhaus.core.vat_rates import DEFAULT_FILE, parse_table  # noqa: PLC0415 -- the parser only, at run time

    VatRate = apps.get_model("core", "VatRate")
    if VatRate.objects.exists():
        return
    rows, _ = parse_table(DEFAULT_FILE.read_bytes())
    VatRate.objects.bulk_create(
        VatRate(country=r.country, category=r.category, rate=r.rate, valid_from=r.valid_from, source=r.source)
        for r in rows
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_vat_rates_profile_number_formats")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
