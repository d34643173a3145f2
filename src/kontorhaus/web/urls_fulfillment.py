"""Fulfillment: pick runs, the packing station, shipments and delivery notes."""

urlpatterns: list = []
