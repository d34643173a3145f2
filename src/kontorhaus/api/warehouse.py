"""Warehouse: stock per warehouse and bin, moves, counts."""

from ninja import Router

router = Router()
