"""Purchasing: suppliers, purchase orders and goods receipts."""

from ninja import Router

router = Router()
