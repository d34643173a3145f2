from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "kontorhaus.billing"
    label = "billing"

    def ready(self) -> None:
        # documents renders what billing describes, without importing billing.
        from kontorhaus.documents.registry import register_source  # noqa: PLC0415 - app registry hook

        from .dunning.snapshots import dunning_letter_snapshot  # noqa: PLC0415
        from .snapshots import credit_note_snapshot, invoice_snapshot  # noqa: PLC0415

        register_source("invoice", invoice_snapshot)
        register_source("credit_note", credit_note_snapshot)
        register_source("dunning_letter", dunning_letter_snapshot)
