"""Quotes: create, read, accept (the order comes from the quote)."""

from ninja import Router

router = Router()
