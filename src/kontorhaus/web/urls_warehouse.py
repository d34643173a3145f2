"""Warehouse: warehouses and bins, stock per bin, moves, counts, write-offs, the ledger, reorder list."""

urlpatterns: list = []
