"""Purchasing: suppliers, purchase orders, goods receipts."""

urlpatterns: list = []
