"""Every logo by its hash, so an issued document prints the logo it was issued with."""

from django.db import migrations, models


def archive_current_logo(apps, schema_editor):
    """The logo the profile has now is the one every document so far was issued with."""
    CompanyProfile = apps.get_model("core", "CompanyProfile")
    LogoArchive = apps.get_model("core", "LogoArchive")
    for profile in CompanyProfile.objects.exclude(logo_sha256=""):
        if profile.logo:
            LogoArchive.objects.get_or_create(sha256=profile.logo_sha256, defaults={
                "content": bytes(profile.logo), "content_type": profile.logo_content_type})


class Migration(migrations.Migration):
    dependencies = [("core", "0007_number_kind_pick_run_shipment")]

    operations = [
        migrations.CreateModel(
            name="LogoArchive",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("content", models.BinaryField()),
                ("content_type", models.CharField(max_length=32)),
                ("stored_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RunPython(archive_current_logo, migrations.RunPython.noop),
    ]
