"""Settings: company profile, number formats, VAT rate table."""

urlpatterns: list = []
