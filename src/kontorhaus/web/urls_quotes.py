"""Quotes (Angebote): list, create, detail, send, accept."""

urlpatterns: list = []
