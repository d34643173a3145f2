"""Settings: company profile, number formats, VAT rate table."""

from django.urls import path

from . import views_settings

urlpatterns: list = [
    path("settings/company/", views_settings.company_profile_edit, name="settings_company"),
    path("settings/numbering/", views_settings.number_format_edit, name="settings_numbering"),
    path("settings/vat-rates/", views_settings.vat_rate_table_view, name="settings_vat_rates"),
]
