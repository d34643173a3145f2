from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "kontorhaus.fulfillment"
    label = "fulfillment"

    def ready(self) -> None:
        # documents prints what fulfillment describes, without importing fulfillment.
        from kontorhaus.documents.registry import register_source  # noqa: PLC0415 - app registry hook

        from .snapshots import delivery_note_snapshot, pick_list_snapshot  # noqa: PLC0415

        register_source("pick_list", pick_list_snapshot)
        register_source("delivery_note", delivery_note_snapshot)
