from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "kontorhaus.integrations"
    label = "integrations"
