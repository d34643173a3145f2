from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "kontorhaus.purchasing"
    label = "purchasing"

    def ready(self) -> None:
        # documents renders what purchasing describes, without importing purchasing.
        from kontorhaus.documents.registry import register_source  # noqa: PLC0415 - app registry hook

        from .snapshots import purchase_order_document_source  # noqa: PLC0415

        register_source("purchase_order", purchase_order_document_source)
