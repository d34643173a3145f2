from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kontorhaus.web"
    label = "web"
