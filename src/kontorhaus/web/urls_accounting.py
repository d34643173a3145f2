"""Accounting export: DATEV Buchungsstapel."""

urlpatterns: list = []
