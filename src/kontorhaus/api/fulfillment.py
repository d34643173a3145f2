"""Fulfillment: pick runs and shipments."""

from ninja import Router

router = Router()
