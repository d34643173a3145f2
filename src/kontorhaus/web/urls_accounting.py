"""Accounting export: DATEV Buchungsstapel."""

from django.urls import path

from . import views_accounting

urlpatterns: list = [
    path("accounting/datev/", views_accounting.datev_export_view, name="datev_export"),
    path("accounting/datev/<int:pk>/download/", views_accounting.datev_export_download, name="datev_export_download"),
]
