from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kontorhaus.demo"
    label = "demo"
    verbose_name = "Demo data"
