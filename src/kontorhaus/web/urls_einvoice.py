"""E-invoices: the EN 16931 XML of invoices and credit notes."""

urlpatterns: list = []
