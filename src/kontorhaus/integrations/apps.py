from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "kontorhaus.integrations"
    label = "integrations"

    def ready(self) -> None:
        # flows queue PSP refunds without importing this edge: the task registers itself.
        from .tasks import register_refund_dispatch  # noqa: PLC0415 - app registry hook

        register_refund_dispatch()
        # inventory announces availability crossings without importing this edge; the shop
        # webhooks listen, and the worker's sweep re-queues deliveries whose task was lost.
        from kontorhaus.inventory.services_availability import availability_listener_register  # noqa: PLC0415
        from kontorhaus.notifications.worker import sweep_register  # noqa: PLC0415

        from .services_webhooks import webhook_sweep, webhooks_availability_changed  # noqa: PLC0415

        availability_listener_register(webhooks_availability_changed)
        sweep_register("webhooks", webhook_sweep)
