from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "kontorhaus.sales"
    label = "sales"

    def ready(self) -> None:
        # documents renders what sales describes, without importing sales.
        from kontorhaus.documents.registry import register_source  # noqa: PLC0415 - app registry hook

        from .snapshots_quotes import quote_document_source  # noqa: PLC0415

        register_source("quote", quote_document_source)
