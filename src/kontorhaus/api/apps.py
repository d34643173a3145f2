from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kontorhaus.api"
    label = "api"
