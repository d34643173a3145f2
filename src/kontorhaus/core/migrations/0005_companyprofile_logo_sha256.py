import hashlib

from django.db import migrations, models


def fill(apps, schema_editor):
    CompanyProfile = apps.get_model("core", "CompanyProfile")
    for profile in CompanyProfile.objects.exclude(logo=b""):
        profile.logo_sha256 = hashlib.sha256(bytes(profile.logo)).hexdigest()
        profile.save(update_fields=["logo_sha256"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_load_eu_vat_rates")]
    operations = [
        migrations.AddField(
            model_name="companyprofile",
            name="logo_sha256",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
