from ninja import NinjaAPI

from . import articles, documents, einvoices, fulfillment, orders, payments, purchasing, quotes, refunds, warehouse
from . import returns as returns_api
from . import shipping as shipping_api


def register_routers(api: NinjaAPI) -> None:
    api.add_router("", orders.router)
    api.add_router("", articles.router)
    api.add_router("", documents.router)
    api.add_router("", payments.router)
    api.add_router("", refunds.router)
    api.add_router("", quotes.router)
    api.add_router("", einvoices.router)
    api.add_router("", warehouse.router)
    api.add_router("", fulfillment.router)
    api.add_router("", purchasing.router)
    api.add_router("", returns_api.router)
    api.add_router("", shipping_api.router)
