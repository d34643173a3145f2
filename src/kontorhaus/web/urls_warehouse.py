"""Warehouse: warehouses and bins, stock per bin, moves, counts, write-offs, the ledger, reorder list."""

from django.urls import path

from . import views_warehouse as views
from . import views_warehouse_stock as stock

urlpatterns: list = [
    path("warehouse/", views.warehouse_overview, name="warehouse_overview"),
    path("warehouse/export/", stock.warehouse_export, name="warehouse_export"),
    path("warehouse/articles/<str:sku>/", stock.warehouse_article, name="warehouse_article"),
    path("warehouse/<str:code>/", views.warehouse_detail, name="warehouse_detail"),
    path("warehouse/<str:code>/edit/", views.warehouse_edit, name="warehouse_edit"),
    path("warehouse/<str:code>/bins/", views.warehouse_bin_create, name="warehouse_bin_create"),
    path("warehouse/<str:code>/bins/<str:label>/", views.warehouse_bin_edit, name="warehouse_bin_edit"),
    path("warehouse/<str:code>/transfer/", views.warehouse_transfer, name="warehouse_transfer"),
    path("warehouse/<str:code>/policy/", views.warehouse_policy, name="warehouse_policy"),
    path("warehouse/<str:code>/count/", stock.warehouse_count, name="warehouse_count"),
    path("warehouse/<str:code>/write-off/", stock.warehouse_write_off, name="warehouse_write_off"),
]
