from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kontorhaus.web"
    label = "web"

    def ready(self) -> None:
        # Snapshots and flows below the edges get the portal's signed links without importing web.
        from .portal_tracking_links import register  # noqa: PLC0415 - app registry hook

        register()
        # The worker's periodic sweep fetches carrier tracking (flows.tracking_update).
        from kontorhaus.flows.tracking_update import tracking_sweep  # noqa: PLC0415
        from kontorhaus.notifications.worker import sweep_register  # noqa: PLC0415

        sweep_register("tracking", tracking_sweep)
