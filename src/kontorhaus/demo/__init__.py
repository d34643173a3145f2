"""Demo data: a plausible shop with articles, customers and a few months of orders.

Everything is created through the real services and flows (orders through `order_intake`,
payments through `payment_received`, cancellations through `order_cancel`), so the demo
exercises the same code a shop does. Entry point: `demo_load` in `loader`; the management
command `kontorhaus_demo` (core) and `kontorhaus demo` (CLI) call it.
"""
