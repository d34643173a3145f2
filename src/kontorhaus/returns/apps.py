from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "kontorhaus.returns"
    label = "returns"

    def ready(self) -> None:
        # The worker's periodic sweeps alert refund deadlines of withdrawals (services_deadlines).
        from kontorhaus.notifications.worker import sweep_register  # noqa: PLC0415 - app registry hook

        from .services_deadlines import withdrawal_deadline_sweep  # noqa: PLC0415

        sweep_register("withdrawal_deadlines", withdrawal_deadline_sweep)
