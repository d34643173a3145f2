from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "kontorhaus.integrations"
    label = "integrations"

    def ready(self) -> None:
        # flows queue PSP refunds without importing this edge: the task registers itself.
        from .tasks import register_refund_dispatch  # noqa: PLC0415 - app registry hook

        register_refund_dispatch()
