from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kontorhaus.core"
    label = "core"
    verbose_name = "Core"
